// The usage page's loader with usage_logs rows written as the service role (as the Edge
// Functions write them): an owner sees every member, a writer only their own calls, another
// workspace's member nothing; the period filter and the per-day sums are right; a bad period
// falls back to the default instead of failing.
import { randomUUID } from 'node:crypto'
import postgres from 'postgres'
import { inject } from 'vitest'
import { get, respond, signInNewWriter } from '../../tests/helpers/app-requests.ts'
import type { UsageReport } from '~/modules/usage/usage.server.ts'
import { loader } from './w.$workspaceId.usage.tsx'

const env = inject('stackEnv')
const sql = postgres(env.SUPABASE_DB_URL, { prepare: false, onnotice: () => {} })
afterAll(() => sql.end())

type Writer = Awaited<ReturnType<typeof signInNewWriter>>
type Row = { userId: string; provider: 'own' | 'platform'; model: string; prompt: number; completion: number; cost: number; at: string }

const dayOffset = (days: number, hour = 1) => {
  const d = new Date()
  d.setUTCHours(hour, 0, 0, 0)
  d.setUTCDate(d.getUTCDate() - days)
  return d.toISOString()
}

async function seed(workspaceId: string, rows: Row[]) {
  await sql.begin(async (tx) => {
    await tx`set local role service_role`
    for (const r of rows) {
      await tx`insert into public.usage_logs (tenant_id, user_id, action, provider, model, prompt_tokens, completion_tokens, cost_usd, created_at)
               values (${workspaceId}, ${r.userId}, 'suggest', ${r.provider}, ${r.model}, ${r.prompt}, ${r.completion}, ${r.cost}, ${r.at})`
    }
  })
}

async function open(writer: Writer, workspaceId: string, query = '') {
  const response = await respond(loader({ request: get(`/w/${workspaceId}/usage${query}`, writer.cookie), params: { workspaceId }, context: {} }))
  const text = await response.text()
  return { status: response.status, text, body: response.status === 200 ? (JSON.parse(text) as { report: UsageReport; wholeWorkspace: boolean; periodFellBack: boolean }) : null }
}

async function workspaceWithWriter() {
  const ana = await signInNewWriter(env, sql, 'Ana')
  const wes = await signInNewWriter(env, sql, 'Wes')
  await sql`insert into public.memberships (tenant_id, user_id, role) values (${ana.workspaceId}, ${wes.id}, 'writer')`
  await seed(ana.workspaceId, [
    { userId: ana.id, provider: 'own', model: 'gpt-4o-mini', prompt: 1000, completion: 200, cost: 0.00027, at: dayOffset(0) },
    { userId: ana.id, provider: 'own', model: 'gpt-4o-mini', prompt: 500, completion: 100, cost: 0.000135, at: dayOffset(0) },
    { userId: wes.id, provider: 'platform', model: 'gpt-4o', prompt: 2000, completion: 300, cost: 0.008, at: dayOffset(0) },
    { userId: wes.id, provider: 'own', model: 'gpt-4o-mini', prompt: 300, completion: 50, cost: 0.000075, at: dayOffset(2) },
  ])
  return { ana, wes }
}

describe('Usage page', () => {
  it('an owner sees every member, per model and per day, with correct sums', async () => {
    const { ana, wes } = await workspaceWithWriter()
    const { status, body } = await open(ana, ana.workspaceId, '?days=7')
    expect(status).toBe(200)
    const report = body!.report
    expect(body!.wholeWorkspace).toBe(true)
    expect(report.perMember.map((m) => [m.displayName, m.tokens]).sort()).toEqual([['Ana', 1800], ['Wes', 2650]])
    const today = report.perDay.at(-1)!
    expect(today.own).toMatchObject({ tokens: 1800, calls: 2 })
    expect(today.own.costUsd).toBeCloseTo(0.000405, 6)
    expect(today.platform).toMatchObject({ tokens: 2300, calls: 1 })
    expect(report.perDay.at(-3)!.own).toMatchObject({ tokens: 350, calls: 1 })
    expect(report.perDay).toHaveLength(7)
    expect(report.perDay.reduce((sum, d) => sum + d.own.tokens + d.platform.tokens, 0)).toBe(4450)
    expect(report.totals).toMatchObject({ promptTokens: 3800, completionTokens: 650, own: { tokens: 2150, calls: 3 }, platform: { tokens: 2300, calls: 1 } })
    const mini = report.perModel.find((m) => m.model === 'gpt-4o-mini')!
    expect(mini).toMatchObject({ calls: 3, promptTokens: 1800, completionTokens: 350, ownTokens: 2150, platformTokens: 0 })
    expect(report.perModel.find((m) => m.model === 'gpt-4o')).toMatchObject({ calls: 1, tokens: 2300, platformTokens: 2300 })
    expect(wes.id).toBeTruthy()
  }, 30_000)

  it('a writer sees only their own calls', async () => {
    const { ana, wes } = await workspaceWithWriter()
    const { status, body } = await open(wes, ana.workspaceId)
    expect(status).toBe(200)
    expect(body!.wholeWorkspace).toBe(false)
    expect(body!.report.perMember.map((m) => m.displayName)).toEqual(['Wes'])
    expect(body!.report.totals).toMatchObject({ own: { tokens: 350 }, platform: { tokens: 2300 } })
    expect(body!.report.perModel.map((m) => m.model).sort()).toEqual(['gpt-4o', 'gpt-4o-mini'])
  }, 30_000)

  it('a member of another workspace gets not found and no numbers', async () => {
    const { ana } = await workspaceWithWriter()
    const sam = await signInNewWriter(env, sql, 'Sam')
    const { status, text } = await open(sam, ana.workspaceId)
    expect(status).toBe(404)
    expect(text).not.toContain('gpt-4o')
    // Their own workspace shows nothing of Ana's.
    const own = await open(sam, sam.workspaceId)
    expect(own.body!.report.totals.own.calls + own.body!.report.totals.platform.calls).toBe(0)
  }, 30_000)

  it('the period decides which calls count; today and the first day of the period are included', async () => {
    const ana = await signInNewWriter(env, sql, 'Ana')
    await seed(ana.workspaceId, [
      { userId: ana.id, provider: 'own', model: 'm', prompt: 1, completion: 0, cost: 0, at: dayOffset(6) },
      { userId: ana.id, provider: 'own', model: 'm', prompt: 10, completion: 0, cost: 0, at: dayOffset(7) },
      { userId: ana.id, provider: 'own', model: 'm', prompt: 100, completion: 0, cost: 0, at: dayOffset(29, 0) },
      { userId: ana.id, provider: 'own', model: 'm', prompt: 1000, completion: 0, cost: 0, at: dayOffset(45) },
      { userId: ana.id, provider: 'own', model: 'm', prompt: 10000, completion: 0, cost: 0, at: dayOffset(120) },
    ])
    const tokens = async (query: string) => (await open(ana, ana.workspaceId, query)).body!.report.totals.own.tokens
    expect(await tokens('?days=7')).toBe(1)
    expect(await tokens('?days=30')).toBe(111)
    expect(await tokens('')).toBe(111)
    expect(await tokens('?days=90')).toBe(1111)
    const ninety = (await open(ana, ana.workspaceId, '?days=90')).body!.report
    expect(ninety.perDay).toHaveLength(90)
  }, 30_000)

  it('a period that is not offered falls back to 30 days and says so; never an error', async () => {
    const ana = await signInNewWriter(env, sql, 'Ana')
    for (const query of ['?days=abc', '?days=8', '?days=-1', '?days=1e9', `?days=${'9'.repeat(400)}`, '?days=30&days=7']) {
      const { status, body } = await open(ana, ana.workspaceId, query)
      expect(status, query).toBe(200)
      expect(body!.report.days).toBe(30)
      expect(body!.periodFellBack, query).toBe(query !== '?days=30&days=7')
    }
    expect((await open(ana, 'not-a-uuid')).status).toBe(404)
    expect((await open(ana, randomUUID())).status).toBe(404)
  }, 30_000)
})
