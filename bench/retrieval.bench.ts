// `node bench/retrieval.bench.ts` (part of issue 4's `npm run bench:ai`): the book memory's
// figures on a throw-away local stack, with the lexical stand-in embedder
// (tests/helpers/lexical-embedding.ts) since no embedding model is reachable here:
//   - re-embedding after a one-paragraph edit of a 5,000-word chapter: tokens sent to the
//     embedding API vs re-embedding the whole chapter (target ≥ 5× fewer);
//   - hybrid search_chunks latency over a ~1,000,000-word workspace (copies of both
//     fixture novels), as the writer under RLS: p50 and p95;
//   - recall@10 of the HNSW index against exact search (target ≥ 0.95), over the whole
//     workspace's chunks and within one book (what search_chunks does).
// Figures go to bench-results/retrieval.json.
import fs from 'node:fs/promises'
import { readFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { randomUUID } from 'node:crypto'
import postgres from 'postgres'
import { chunkChapter, estimateTokens } from '../app/modules/ai/chunking.ts'
import { toVectorLiteral } from '../app/modules/ai/embedding.ts'
import { projectRoot, stackConfigFromEnv } from '../supabase/local/config.ts'
import { startStack } from '../supabase/local/start.ts'
import { lexicalEmbedding } from '../tests/helpers/lexical-embedding.ts'
import { freePort } from '../tests/setup/test-stack.ts'
import { ms, percentile } from './stats.ts'
// The app's modules import each other as `~/…`: registered here, then imported dynamically.
import '../scripts/lib/app-alias.ts'

const { parseManuscript } = await import('../app/modules/import/import.server.ts')
const { toPlainText, countWords } = await import('../app/modules/manuscript/plain-text.ts')

const TARGET_WORDS = Number(process.env.BENCH_WORDS ?? 1_000_000)
const MODEL = 'lexical-hash-bench'
const booksDir = path.join(projectRoot, '..', 'shared', 'fixtures', 'books')
const QUESTIONS = [
  'Como o narrador ganhou a alcunha de Dom Casmurro do poeta no trem?',
  'O que são os olhos de ressaca de Capitu?',
  'Quem era Ezequiel de Souza Escobar, o outro seminarista?',
  'Como Escobar morreu ao nadar no mar bravo?',
  'Darcy proposes to Elizabeth and she refuses him',
  'Elizabeth visits Pemberley House with her aunt and uncle',
  'Lydia has gone off to Scotland with Wickham',
  'Lady Catherine demands to know whether Elizabeth is engaged to Darcy',
]

type Prepared = { file: string; language: string; chapters: { title: string; plain: string; payload: unknown[] }[]; words: number }
const results: Record<string, unknown> = {}

async function prepare(file: string, language: string): Promise<Prepared> {
  const preview = await parseManuscript({ fileName: file, bytes: readFileSync(path.join(booksDir, file)) })
  const chapters = []
  let words = 0
  for (const chapter of preview.chapters) {
    const plain = toPlainText(chapter.doc)
    words += countWords(plain)
    const chunks = await chunkChapter(plain, { locale: language })
    const payload = chunks.map((c) => ({
      ord: c.ord, content: c.content, content_hash: c.contentHash, char_start: c.start, char_end: c.end,
      embedding: lexicalEmbedding(c.content),
    }))
    chapters.push({ title: chapter.title, plain, payload })
  }
  return { file, language, chapters, words }
}

/** Tokens to embed again after editing one paragraph, for every third paragraph of a 5,000-word window. */
async function benchReembedding(prepared: Prepared) {
  const paragraphs = prepared.chapters.flatMap((c) => c.plain.split('\n\n'))
  const kept: string[] = []
  let words = 0
  for (const p of paragraphs) {
    if (words >= 5000) break
    kept.push(p)
    words += countWords(p)
  }
  const before = await chunkChapter(kept.join('\n\n'), { locale: prepared.language })
  const known = new Set(before.map((c) => c.contentHash))
  const whole = before.reduce((sum, c) => sum + estimateTokens(c.content), 0)
  const ratios: number[] = []
  for (let i = 0; i < kept.length; i += 3) {
    const edited = kept.map((p, j) => (j === i ? `${p} And then, quite unexpectedly, it rained.` : p)).join('\n\n')
    const after = await chunkChapter(edited, { locale: prepared.language })
    const sent = after.filter((c) => !known.has(c.contentHash)).reduce((sum, c) => sum + estimateTokens(c.content), 0)
    ratios.push(after.reduce((sum, c) => sum + estimateTokens(c.content), 0) / sent)
  }
  return { file: prepared.file, words, wholeChapterTokens: whole, edits: ratios.length, p50Fewer: percentile(ratios, 50), worstFewer: Math.min(...ratios), target: 5 }
}

async function main() {
  const stateDir = await fs.mkdtemp(path.join(os.tmpdir(), 'flowstory-bench-retrieval-'))
  const stack = await startStack(
    stackConfigFromEnv({ stateDir, apiPort: await freePort(), dbPort: await freePort(), mailPort: await freePort(), serveFunctions: false, quiet: true }),
  )
  const sql = postgres(stack.env.DB_URL, { prepare: false, max: 1, onnotice: () => {} })
  try {
    const books = [await prepare('dom-casmurro.txt', 'pt-BR'), await prepare('pride-and-prejudice.txt', 'en')]
    results.reembedding = await Promise.all(books.map(benchReembedding))

    const userId = randomUUID()
    await sql`
      insert into auth.users (id, instance_id, aud, role, email, encrypted_password, email_confirmed_at,
                              raw_app_meta_data, raw_user_meta_data, created_at, updated_at)
      values (${userId}, '00000000-0000-0000-0000-000000000000', 'authenticated', 'authenticated',
              ${`${userId}@example.com`}, '', now(), '{"provider": "email", "providers": ["email"]}', '{}', now(), now())`
    const [{ id: tenantId }] = await sql`select id from public.tenants where personal and created_by = ${userId}`

    // Copies of both novels, one book each, until the workspace holds TARGET_WORDS.
    const loadStarted = performance.now()
    const bookIds: string[] = []
    let words = 0
    for (let copy = 0; words < TARGET_WORDS; copy++) {
      const book = books[copy % books.length]
      const [{ id: bookId }] = await sql`
        insert into public.books (tenant_id, title, language)
        values (${tenantId}, ${`${book.file} #${copy + 1}`}, ${book.language === 'en' ? 'en' : 'pt-BR'}) returning id`
      bookIds.push(bookId)
      for (const [position, chapter] of book.chapters.entries()) {
        const [{ id }] = await sql`
          insert into public.chapters (tenant_id, book_id, position, title, content, plain_text)
          values (${tenantId}, ${bookId}, ${position}, ${chapter.title}, '{"type":"doc","content":[]}', ${chapter.plain}) returning id`
        await sql`select private.replace_chapter_chunks(${id}, ${MODEL}, ${sql.json(chapter.payload as postgres.JSONValue)})`
      }
      words += book.words
      console.error(`loaded ${bookIds.length} books, ${words} words, ${((performance.now() - loadStarted) / 1000).toFixed(0)} s`)
    }
    const [{ chunks }] = await sql`select count(*)::int as chunks from public.chunks where tenant_id = ${tenantId}`
    await sql`analyze public.chunks`
    results.workspace = { books: bookIds.length, words, chunks, loadSeconds: (performance.now() - loadStarted) / 1000 }

    const asWriter = <T>(work: (tx: postgres.TransactionSql) => Promise<T>) =>
      sql.begin(async (tx) => {
        await tx.unsafe('set local role authenticated')
        await tx`select set_config('request.jwt.claims', ${JSON.stringify({ sub: userId, role: 'authenticated' })}, true)`
        return work(tx)
      }) as Promise<T>

    // Hybrid latency, as the chat function calls it (the writer's RLS, one book).
    const latencies: number[] = []
    for (let run = 0; run < 60; run++) {
      const question = QUESTIONS[run % QUESTIONS.length]
      const bookId = bookIds[(run * 7) % bookIds.length]
      const vector = toVectorLiteral(lexicalEmbedding(question))
      const started = performance.now()
      await asWriter((tx) => tx`select id from public.search_chunks(${bookId}, ${question}, ${vector}::extensions.vector, 8, 'hybrid', ${MODEL})`)
      if (run >= 5) latencies.push(performance.now() - started) // the first runs warm caches
    }
    results.hybridLatency = { runs: latencies.length, p50: ms(percentile(latencies, 50)), p95: ms(percentile(latencies, 95)) }

    // recall@10 of HNSW vs exact: whole workspace, and within one book through search_chunks.
    const queries = QUESTIONS.map((q) => toVectorLiteral(lexicalEmbedding(q)))
    const sampleChunks = await sql`select content from public.chunks where tenant_id = ${tenantId} order by md5(id::text) limit 32`
    queries.push(...sampleChunks.map((r) => toVectorLiteral(lexicalEmbedding(`${r.content}`.slice(0, 300)))))
    // Copies of the novels hold identical chunks, so ids tie at equal distance: a result counts
    // as found when it is as close as the exact 10th (tie-aware recall).
    const hitsWithin = (found: { distance: number }[], exact: { distance: number }[]) => {
      const bound = Math.max(...exact.map((r) => r.distance)) + 1e-6
      return found.filter((r) => r.distance <= bound).length
    }
    const efSearch = [40, 100]
    const workspaceHits: Record<number, number> = { 40: 0, 100: 0 }
    let bookHits = 0
    let planUsesIndex = false
    for (const [i, q] of queries.entries()) {
      const exact = await sql.begin(async (tx) => {
        await tx`set local enable_indexscan = off`
        return tx`select (embedding <=> ${q}::extensions.vector) as distance from public.chunks order by 1 limit 10`
      })
      for (const ef of efSearch) {
        const approximate = await sql.begin(async (tx) => {
          // The planner prefers an exact scan while the table is small; the index is what is measured.
          await tx`set local enable_seqscan = off`
          await tx.unsafe(`set local hnsw.ef_search = ${ef}`)
          const plan = await tx`explain select id from public.chunks order by embedding <=> ${q}::extensions.vector limit 10`
          planUsesIndex ||= plan.some((r) => `${r['QUERY PLAN']}`.includes('chunks_embedding_idx'))
          return tx`select (embedding <=> ${q}::extensions.vector) as distance from public.chunks order by embedding <=> ${q}::extensions.vector limit 10`
        })
        workspaceHits[ef] += hitsWithin(approximate as unknown as { distance: number }[], exact as unknown as { distance: number }[])
      }

      const bookId = bookIds[i % bookIds.length]
      const viaSearch = await asWriter((tx) => tx`select 1 - score as distance from public.search_chunks(${bookId}, null, ${q}::extensions.vector, 10, 'vector', ${MODEL})`)
      const exactInBook = await sql.begin(async (tx) => {
        await tx`set local enable_indexscan = off`
        return tx`select (c.embedding <=> ${q}::extensions.vector) as distance from public.chunks c join public.chapters ch on ch.id = c.chapter_id
                  where c.book_id = ${bookId} and ch.deleted_at is null order by 1 limit 10`
      })
      bookHits += hitsWithin(viaSearch as unknown as { distance: number }[], exactInBook as unknown as { distance: number }[])
    }
    results.hnswRecallAt10 = {
      queries: queries.length,
      workspaceEfSearch40: workspaceHits[40] / (queries.length * 10),
      workspaceEfSearch100: workspaceHits[100] / (queries.length * 10),
      workspaceScanUsedHnsw: planUsesIndex,
      withinBookViaSearchChunks: bookHits / (queries.length * 10),
      target: 0.95,
    }
  } finally {
    await sql.end({ timeout: 1 })
    await stack.stop()
    await fs.rm(stateDir, { recursive: true, force: true })
  }
  await fs.mkdir(path.join(projectRoot, 'bench-results'), { recursive: true })
  await fs.writeFile(path.join(projectRoot, 'bench-results', 'retrieval.json'), JSON.stringify(results, null, 2) + '\n')
  console.log(JSON.stringify(results, null, 2))
}

await main()
