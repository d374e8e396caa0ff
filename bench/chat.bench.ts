// `node bench/chat.bench.ts` (part of issue 4's `npm run bench:ai`): the time the app adds
// before the first token of an AI action, on a throw-away local stack with the built app
// (remix-serve, as in production) and the fake OpenAI provider answering after a FIXED
// latency. For each call: the time from the browser-side POST to the app's proxy route until
// the first `event: delta` arrives, minus the fake's fixed latency (paid once per provider
// request: suggest makes one, ask two — the question's embedding and the chat call). What is
// left is ours: the app (session, proxy), the functions runner, the function (JWT, RLS reads,
// rate limits, provider and key from Vault, context, cost estimate) and the SSE path.
// Target: p50 ≤ 150 ms (suggest). Figures go to bench-results/chat.json.
import fs from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import postgres from 'postgres'
import { projectRoot, stackConfigFromEnv } from '../supabase/local/config.ts'
import { startStack } from '../supabase/local/start.ts'
import { startFakeOpenAI } from '../tests/fakes/fake-openai.server.ts'
import { DEFAULT_API_KEY } from '../tests/fakes/fake-openai.ts'
import { cookiesFrom } from '../tests/helpers/app-requests.ts'
import { buildApp, startAppServer } from '../tests/setup/app-server.ts'
import { freePort } from '../tests/setup/test-stack.ts'
import { createBenchUser } from './bench-user.ts'
import { ms, percentile } from './stats.ts'

const CALLS = Number(process.env.BENCH_CHAT_CALLS ?? 60)
const WARMUP = 5
const PROVIDER_LATENCY_MS = Number(process.env.BENCH_PROVIDER_LATENCY_MS ?? 200)
const results: Record<string, unknown> = {}

// A 5,000-word chapter: the context a writer in the middle of a book sends.
const WORDS = 'Capitu olhava o mar enquanto Bentinho contava as ondas da praia de Matacavalos ao fim da tarde sem pressa nem medo'.split(' ')
const CHAPTER = Array.from({ length: 50 }, (_, p) => Array.from({ length: 100 }, (_, w) => WORDS[(p * 7 + w * 3) % WORDS.length]).join(' ') + '.').join('\n\n')

type Sample = { firstDeltaMs: number; contextMs: number }

async function main() {
  const stateDir = await fs.mkdtemp(path.join(os.tmpdir(), 'flowstory-bench-chat-'))
  const appPort = await freePort()
  const stack = await startStack(
    stackConfigFromEnv({ stateDir, apiPort: await freePort(), dbPort: await freePort(), mailPort: await freePort(), siteUrl: `http://localhost:${appPort}`, quiet: true }),
  )
  const fake = await startFakeOpenAI({ reply: 'Capitu abre a janela e vê Escobar no cais.', latency: { firstByteMs: PROVIDER_LATENCY_MS } })
  const sql = postgres(stack.env.DB_URL, { prepare: false, max: 1, onnotice: () => {} })
  const env = { SUPABASE_URL: stack.env.API_URL, SUPABASE_ANON_KEY: stack.env.ANON_KEY, SUPABASE_DB_URL: stack.env.DB_URL }
  let app: Awaited<ReturnType<typeof startAppServer>> | undefined
  try {
    const user = await createBenchUser(stack, 'bench-chat')
    const { email, password } = user
    const [{ id: workspaceId }] = await sql<{ id: string }[]>`select id from public.tenants where personal and created_by = ${user.id}`
    const [{ id: bookId }] = await sql<{ id: string }[]>`
      insert into public.books (tenant_id, title, language) values (${workspaceId}, 'Dom Casmurro', 'pt-BR') returning id`
    const chapterIds: string[] = []
    for (let i = 1; i <= 3; i++) {
      const [{ id }] = await sql<{ id: string }[]>`
        insert into public.chapters (tenant_id, book_id, position, title, content, plain_text)
        values (${workspaceId}, ${bookId}, ${i}, ${`Capítulo ${i}`}, '{"type":"doc","content":[]}', ${CHAPTER}) returning id`
      chapterIds.push(id)
      await sql`insert into public.chapter_summaries (chapter_id, tenant_id, book_id, summary, chapter_version, model)
                values (${id}, ${workspaceId}, ${bookId}, ${`Resumo do capítulo ${i}: Capitu e Bentinho na praia.`}, 1, 'gpt-4o-mini')`
    }
    const [{ id: providerId }] = await sql<{ id: string }[]>`
      insert into public.ai_providers (tenant_id, kind, base_url, chat_model, embed_model)
      values (${workspaceId}, 'openai_compatible', ${fake.url}, 'gpt-4o-mini', 'text-embedding-3-small') returning id`
    await sql`select private.store_provider_key(${providerId}, ${DEFAULT_API_KEY}, ${user.id})`

    await buildApp()
    app = await startAppServer({ port: appPort, env })
    const login = await fetch(`${app.url}/login`, {
      method: 'POST',
      body: new URLSearchParams({ intent: 'password', email, password, redirectTo: '/app' }),
      redirect: 'manual',
    })
    if (login.status !== 302) throw new Error(`sign-in failed: ${login.status}`)
    const cookie = cookiesFrom(login)

    // One AI action as the panel makes it; the clock stops at the first delta.
    const call = async (body: Record<string, unknown>): Promise<Sample> => {
      // The rate limits would stop a benchmark making 60 calls a minute; their check still runs.
      await sql`delete from private.rate_limits where key like 'chat%'`
      const started = performance.now()
      const response = await fetch(`${app!.url}/w/${workspaceId}/b/${bookId}/ai`, {
        method: 'POST',
        headers: { cookie, 'content-type': 'application/json', origin: app!.url },
        body: JSON.stringify(body),
      })
      if (response.status !== 200) throw new Error(`chat answered ${response.status}: ${await response.text()}\n${app!.output().slice(-3000)}`)
      const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader()
      let text = ''
      let contextMs = 0
      for (;;) {
        const { value, done } = await reader.read()
        if (done) throw new Error(`the stream ended without a delta: ${text}`)
        text += value
        if (!contextMs && text.includes('event: context')) contextMs = performance.now() - started
        if (text.includes('event: delta')) break
      }
      const firstDeltaMs = performance.now() - started
      // Read to the end, as the panel does, so the usage row is written before the next call.
      for (;;) if ((await reader.read()).done) break
      return { firstDeltaMs, contextMs }
    }

    const measure = async (name: string, body: () => Record<string, unknown>, providerRequests: number) => {
      for (let i = 0; i < WARMUP; i++) await call(body())
      const samples: Sample[] = []
      for (let i = 0; i < CALLS; i++) samples.push(await call(body()))
      const fixed = PROVIDER_LATENCY_MS * providerRequests
      const added = samples.map((s) => s.firstDeltaMs - fixed)
      const summary = {
        calls: samples.length,
        providerLatencyMs: fixed,
        firstDeltaP50Ms: percentile(samples.map((s) => s.firstDeltaMs), 50),
        addedP50Ms: percentile(added, 50),
        addedP95Ms: percentile(added, 95),
        // The context event is sent once the provider accepted the request: its time includes the latency too.
        contextEventP50Ms: percentile(samples.map((s) => s.contextMs), 50),
        target: { addedP50Ms: 150 },
      }
      results[name] = summary
      console.log(
        `${name}: first token through the app proxy p50 ${ms(summary.firstDeltaP50Ms)} − provider latency ${fixed} ms → the app adds p50 ${ms(summary.addedP50Ms)}, p95 ${ms(summary.addedP95Ms)} (${samples.length} calls)`,
      )
    }

    await measure('suggest', () => ({ action: 'suggest', chapterId: chapterIds[1], cursor: 12_000 }), 1)
    // ask also embeds the question (one more provider request) and runs the hybrid search.
    await measure('ask', () => ({ action: 'ask', chapterId: chapterIds[1], question: 'Onde Capitu olhava o mar?' }), 2)
    const [{ rows }] = await sql`select count(*)::int as rows from public.usage_logs where tenant_id = ${workspaceId} and action in ('suggest', 'ask')`
    results.usageRows = rows
  } finally {
    await app?.stop()
    await sql.end({ timeout: 1 })
    await fake.stop()
    await stack.stop()
    await fs.rm(stateDir, { recursive: true, force: true })
  }
  await fs.mkdir(path.join(projectRoot, 'bench-results'), { recursive: true })
  await fs.writeFile(path.join(projectRoot, 'bench-results', 'chat.json'), JSON.stringify(results, null, 2) + '\n')
  console.log(JSON.stringify(results, null, 2))
}

await main()
