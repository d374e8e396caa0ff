// The chat path from a real browser through the production server: Chromium (cookies httpOnly,
// so the page has no token) → the built app under remix-serve (compression, Remix's globals)
// → the proxy route → the local stack's /functions/v1/chat → the fake OpenAI provider. The
// page's own fetch stands in for the AI panel (built separately against the same contract):
// the text streams in, Stop in the browser cancels the provider's stream and still leaves a
// usage row, and a rate limit reaches the page as 429 with Retry-After.
import { randomUUID } from 'node:crypto'
import { chromium, type Browser, type Page } from 'playwright-core'
import postgres from 'postgres'
import { inject } from 'vitest'
import { startFakeOpenAI, type RunningFakeOpenAI } from '../fakes/fake-openai.server.ts'
import { createConfirmedUser } from '../helpers/app-requests.ts'
import { recordResponseBodies, signInThroughPage } from '../helpers/browser.ts'
import { CHROMIUM_ARGS } from '../setup/chromium.ts'

const { appUrl, chromium: executablePath, apiUrl, serviceRoleKey, dbUrl } = inject('e2e')
const canary = `sk-canary-${randomUUID()}`
const REPLY = Array.from({ length: 40 }, (_, i) => `onda${i}`).join(' ')
let browser: Browser
let fake: RunningFakeOpenAI
const sql = postgres(dbUrl, { prepare: false, onnotice: () => {} })

beforeAll(async () => {
  browser = await chromium.launch({ executablePath, args: CHROMIUM_ARGS, headless: true })
  fake = await startFakeOpenAI({ apiKeys: [canary], reply: REPLY })
})
afterAll(async () => {
  await browser?.close()
  await fake?.stop()
  await sql.end()
})

async function writerWithBook(): Promise<{ page: Page; userId: string; workspaceId: string; bookId: string; chapterId: string; bodies: string[] }> {
  const user = await createConfirmedUser({ SUPABASE_URL: apiUrl, SUPABASE_SERVICE_ROLE_KEY: serviceRoleKey }, 'Clara')
  const [{ id: workspaceId }] = await sql<{ id: string }[]>`select id from public.tenants where created_by = ${user.id} and personal`
  const [{ id: bookId }] = await sql<{ id: string }[]>`
    insert into public.books (tenant_id, title, language) values (${workspaceId}, 'Memórias', 'pt-BR') returning id`
  const [{ id: chapterId }] = await sql<{ id: string }[]>`
    insert into public.chapters (tenant_id, book_id, position, title, content, plain_text)
    values (${workspaceId}, ${bookId}, 1, 'Capítulo 1', '{"type":"doc","content":[]}', 'Capitu olhava o mar ao fim da tarde.') returning id`
  const [{ id: providerId }] = await sql<{ id: string }[]>`
    insert into public.ai_providers (tenant_id, kind, base_url, chat_model, embed_model)
    values (${workspaceId}, 'openai_compatible', ${fake.url}, 'gpt-4o-mini', 'text-embedding-3-small') returning id`
  await sql`select private.store_provider_key(${providerId}, ${canary}, ${user.id})`
  const page = await (await browser.newContext({ locale: 'pt-BR' })).newPage()
  const bodies = recordResponseBodies(page, { headers: true })
  await signInThroughPage(page, appUrl, user)
  return { page, userId: user.id, workspaceId, bookId, chapterId, bodies }
}

type Outcome = { status: number; contentType: string | null; retryAfter: string | null; text: string }

/** The panel's call, from the page: read everything, or abort (Stop) after the first delta. */
function callFromPage(page: Page, url: string, body: unknown, stopAfterFirstDelta = false): Promise<Outcome> {
  return page.evaluate(
    async ({ url, body, stopAfterFirstDelta }) => {
      const stop = new AbortController()
      const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body), signal: stop.signal })
      const reader = response.body!.getReader()
      const decoder = new TextDecoder()
      let text = ''
      try {
        for (;;) {
          const { done, value } = await reader.read()
          if (done) break
          text += decoder.decode(value, { stream: true })
          if (stopAfterFirstDelta && text.includes('event: delta')) {
            stop.abort()
            break
          }
        }
      } catch {
        // aborted
      }
      return { status: response.status, contentType: response.headers.get('content-type'), retryAfter: response.headers.get('retry-after'), text }
    },
    { url, body, stopAfterFirstDelta },
  )
}

const usageRows = (workspaceId: string) =>
  sql<{ action: string; completion_tokens: number }[]>`select action, completion_tokens from public.usage_logs where tenant_id = ${workspaceId}`

describe('AI actions from the browser through the app', () => {
  it('streams the text in, Stop cancels the provider and leaves one usage row, a rate limit is 429 with Retry-After; no key anywhere', async () => {
    const w = await writerWithBook()
    const url = `/w/${w.workspaceId}/b/${w.bookId}/ai`

    const whole = await callFromPage(w.page, url, { action: 'suggest', chapterId: w.chapterId })
    expect(whole.status).toBe(200)
    expect(whole.contentType).toMatch(/^text\/event-stream/)
    const deltas = [...whole.text.matchAll(/event: delta\ndata: (.*)\n/g)].map((m) => JSON.parse(m[1]).text)
    expect(deltas.join('')).toBe(REPLY)
    expect(whole.text.indexOf('event: context')).toBe(0)
    expect(whole.text).toMatch(/event: done\ndata: .*"estimated":false/)

    fake.fake.set({ latency: { betweenChunksMs: 150 } })
    const stopped = await callFromPage(w.page, url, { action: 'critique', chapterId: w.chapterId }, true)
    expect(stopped.status).toBe(200)
    expect(stopped.text).toContain('event: delta')
    const call = fake.fake.calls.filter((c) => c.endpoint === 'chat').at(-1)!
    await expect.poll(() => call.outcome, { timeout: 15_000 }).toBe('cancelled')
    await expect.poll(async () => (await usageRows(w.workspaceId)).filter((r) => r.action === 'critique').length, { timeout: 15_000 }).toBe(1)
    const [critique] = (await usageRows(w.workspaceId)).filter((r) => r.action === 'critique')
    expect(critique.completion_tokens).toBeLessThan(40)
    fake.fake.set({ latency: { betweenChunksMs: 0 } })

    await sql`insert into private.rate_limits (key, window_start, hits) values (${`chat:user:${w.userId}`}, now(), 1000)
              on conflict (key) do update set window_start = now(), hits = 1000`
    // Stop did not take the app server down (Remix's fetch polyfill used to, see the proxy route).
    expect((await fetch(appUrl)).status).toBeLessThan(500)
    const limited = await callFromPage(w.page, url, { action: 'suggest', chapterId: w.chapterId })
    expect(limited.status).toBe(429)
    expect(Number(limited.retryAfter)).toBeGreaterThan(0)
    expect(JSON.parse(limited.text).code).toBe('rate_limited')

    for (const body of [...w.bodies, whole.text, stopped.text, limited.text]) {
      expect(body).not.toContain(canary)
      expect(body).not.toContain(canary.slice(-12))
    }
  }, 120_000)
})
