// Retrieval over the two fixture novels on the local stack: each chapter is chunked
// (app/modules/ai/chunking.ts), stored through private.replace_chapter_chunks as the embed
// function would, and questions about facts in known chapters go through
// public.search_chunks as the writer (RLS on). recall@8 = share of questions whose chapter
// holds one of the 8 chunks returned.
//
// Without an embedding model on this machine, vectors come from a deterministic lexical
// embedder (tests/helpers/lexical-embedding.ts): "vector" here measures the plumbing (HNSW, fusion, RLS), not
// a real model's semantics. The issue's figures with a real model come from the same
// questions once the embed function exists.
import { readFileSync } from 'node:fs'
import path from 'node:path'
import { randomUUID } from 'node:crypto'
import postgres from 'postgres'
import { inject } from 'vitest'
import { chunkChapter } from '../../app/modules/ai/chunking.ts'
import { toVectorLiteral } from '../../app/modules/ai/embedding.ts'
import { lexicalEmbedding } from '../helpers/lexical-embedding.ts'
import { toPlainText } from '../../app/modules/manuscript/plain-text.ts'
import { parseManuscript } from '../../app/modules/import/import.server.ts'
import { projectRoot } from '../../supabase/local/config.ts'

const booksDir = path.join(projectRoot, '..', 'shared', 'fixtures', 'books')
const MODEL = 'lexical-hash-test'

type Question = { q: string; chapter: number }

const DOM_CASMURRO: Question[] = [
  { q: 'Como o narrador ganhou a alcunha de Dom Casmurro do poeta no trem?', chapter: 1 },
  { q: 'Por que reproduziu no Engenho Novo a casa em que se criou na rua de Matacavallos?', chapter: 2 },
  { q: 'José Dias diz que Capitu tem olhos de cigana oblíqua e dissimulada', chapter: 25 },
  { q: 'O que são os olhos de ressaca de Capitu?', chapter: 32 },
  { q: 'Quando Bentinho penteou os cabelos de Capitu?', chapter: 33 },
  { q: 'Quem era Ezequiel de Souza Escobar, o outro seminarista?', chapter: 56 },
  { q: 'Como Escobar morreu ao nadar no mar bravo?', chapter: 121 },
  { q: 'O narrador vai ao teatro ver Othello', chapter: 135 },
]

const PRIDE: Question[] = [
  { q: 'Jane rides to Netherfield on horseback in the rain and falls ill', chapter: 7 },
  { q: 'Wickham tells Elizabeth that Darcy denied him the living', chapter: 16 },
  { q: 'Mr. Collins proposes marriage to Elizabeth', chapter: 19 },
  { q: 'Charlotte Lucas accepts Mr. Collins', chapter: 22 },
  { q: 'Darcy proposes to Elizabeth and she refuses him', chapter: 34 },
  { q: 'Elizabeth visits Pemberley House with her aunt and uncle', chapter: 43 },
  { q: 'Lydia has gone off to Scotland with Wickham', chapter: 46 },
  { q: 'Lady Catherine demands to know whether Elizabeth is engaged to Darcy', chapter: 56 },
]

const { SUPABASE_DB_URL } = inject('stackEnv')
const MODES = ['fulltext', 'vector', 'hybrid'] as const

describe('retrieval over the fixture novels', () => {
  let sql: postgres.Sql
  let userId: string
  let tenantId: string
  const books: Record<string, { id: string; chapterIds: string[] }> = {}

  beforeAll(async () => {
    sql = postgres(SUPABASE_DB_URL, { prepare: false, max: 1, onnotice: () => {} })
    userId = randomUUID()
    await sql`
      insert into auth.users (id, instance_id, aud, role, email, encrypted_password, email_confirmed_at,
                              raw_app_meta_data, raw_user_meta_data, created_at, updated_at)
      values (${userId}, '00000000-0000-0000-0000-000000000000', 'authenticated', 'authenticated',
              ${`${userId}@example.com`}, '', now(), '{"provider": "email", "providers": ["email"]}', '{}', now(), now())`
    ;[{ id: tenantId }] = await sql`select id from public.tenants where personal and created_by = ${userId}`

    for (const [file, language, locale] of [
      ['dom-casmurro.txt', 'pt-BR', 'pt-BR'],
      ['pride-and-prejudice.txt', 'en', 'en'],
    ] as const) {
      const preview = await parseManuscript({ fileName: file, bytes: readFileSync(path.join(booksDir, file)) })
      const [{ id: bookId }] = await sql`
        insert into public.books (tenant_id, title, language) values (${tenantId}, ${file}, ${language}) returning id`
      const chapterIds: string[] = []
      for (const [position, chapter] of preview.chapters.entries()) {
        const plain = toPlainText(chapter.doc)
        const [{ id }] = await sql`
          insert into public.chapters (tenant_id, book_id, position, title, content, plain_text)
          values (${tenantId}, ${bookId}, ${position}, ${chapter.title}, '{"type":"doc","content":[]}', ${plain}) returning id`
        chapterIds.push(id)
        const chunks = await chunkChapter(plain, { locale })
        const payload = chunks.map((c) => ({
          ord: c.ord, content: c.content, content_hash: c.contentHash, char_start: c.start, char_end: c.end,
          embedding: lexicalEmbedding(c.content),
        }))
        await sql`select private.replace_chapter_chunks(${id}, ${MODEL}, ${sql.json(payload)})`
      }
      books[file] = { id: bookId, chapterIds }
    }
  }, 600_000)

  afterAll(async () => {
    await sql`delete from public.tenants where id = ${tenantId}`
    await sql`delete from auth.users where id = ${userId}`
    await sql.end({ timeout: 1 })
  })

  async function search(bookId: string, question: string, mode: (typeof MODES)[number]): Promise<string[]> {
    return sql.begin(async (tx) => {
      await tx.unsafe('set local role authenticated')
      await tx`select set_config('request.jwt.claims', ${JSON.stringify({ sub: userId, role: 'authenticated' })}, true)`
      const rows = await tx`
        select chapter_id from public.search_chunks(${bookId}, ${question},
          ${toVectorLiteral(lexicalEmbedding(question))}::extensions.vector, 8, ${mode}, ${MODEL})`
      return rows.map((r) => r.chapter_id as string)
    }) as Promise<string[]>
  }

  async function recallAt8(file: string, questions: Question[]): Promise<Record<string, number>> {
    const { id, chapterIds } = books[file]
    const recall: Record<string, number> = {}
    for (const mode of MODES) {
      let found = 0
      for (const { q, chapter } of questions) {
        if ((await search(id, q, mode)).includes(chapterIds[chapter - 1])) found++
      }
      recall[mode] = found / questions.length
    }
    console.info(`recall@8 ${file}: ${MODES.map((m) => `${m} ${recall[m].toFixed(2)}`).join(', ')}`)
    return recall
  }

  it('finds the chapter holding a fact in Dom Casmurro (Portuguese, 1899 spelling)', async () => {
    const recall = await recallAt8('dom-casmurro.txt', DOM_CASMURRO)
    expect(recall.hybrid).toBeGreaterThanOrEqual(0.75)
    expect(recall.hybrid).toBeGreaterThanOrEqual(Math.min(recall.fulltext, recall.vector))
  })

  it('finds the chapter holding a fact in Pride and Prejudice (English)', async () => {
    const recall = await recallAt8('pride-and-prejudice.txt', PRIDE)
    expect(recall.hybrid).toBeGreaterThanOrEqual(0.75)
    expect(recall.hybrid).toBeGreaterThanOrEqual(Math.min(recall.fulltext, recall.vector))
  })
})
