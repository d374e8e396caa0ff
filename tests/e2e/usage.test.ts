// The usage page in the browser: with usage_logs rows written as the service role, the owner
// sees the chart (a bar per day, own key and platform stacked, with a tooltip title) and the
// per-model and per-member tables with the right, locale-formatted numbers; a writer (in
// English) sees only their own calls.
import { chromium, type Browser, type Locator } from 'playwright-core'
import postgres from 'postgres'
import { inject } from 'vitest'
import { createConfirmedUser } from '../helpers/app-requests.ts'
import { signInThroughPage } from '../helpers/browser.ts'
import { CHROMIUM_ARGS } from '../setup/chromium.ts'

const { appUrl, chromium: executablePath, apiUrl, serviceRoleKey, dbUrl } = inject('e2e')
const env = { SUPABASE_URL: apiUrl, SUPABASE_SERVICE_ROLE_KEY: serviceRoleKey }
let browser: Browser
const sql = postgres(dbUrl, { prepare: false, onnotice: () => {} })

beforeAll(async () => {
  browser = await chromium.launch({ executablePath, args: CHROMIUM_ARGS, headless: true })
})
afterAll(async () => {
  await browser?.close()
  await sql.end()
})

// Numbers and currency use no-break spaces ("US$\u00a01,50"): compare with plain spaces.
const text = async (locator: Locator) => ((await locator.textContent()) ?? '').replace(/\s+/g, ' ')
const today = new Date().toISOString().slice(0, 10)
const daysAgo = (n: number) => new Date(Date.now() - n * 86_400_000).toISOString().slice(0, 10)

describe('Usage page in the browser', () => {
  it('shows the owner a chart and tables with the right numbers; a writer sees only their own', async () => {
    const owner = await createConfirmedUser(env, 'Olga')
    const writer = await createConfirmedUser(env, 'Wes')
    const [workspace] = await sql<{ id: string }[]>`select id from public.tenants where created_by = ${owner.id} and personal`
    await sql`insert into public.memberships (tenant_id, user_id, role) values (${workspace.id}, ${writer.id}, 'writer')`
    await sql.begin(async (tx) => {
      await tx`set local role service_role`
      await tx`insert into public.usage_logs (tenant_id, user_id, action, provider, model, prompt_tokens, completion_tokens, cost_usd, created_at) values
        (${workspace.id}, ${owner.id}, 'suggest', 'own', 'gpt-4o-mini', 1000, 234, 0.0123, ${`${today}T00:30:00Z`}),
        (${workspace.id}, ${owner.id}, 'summarize', 'own', 'gpt-4o-mini', 500, 100, 0.0010, ${`${today}T00:40:00Z`}),
        (${workspace.id}, ${writer.id}, 'critique', 'platform', 'gpt-4o', 2000, 500, 1.5, ${`${today}T00:50:00Z`}),
        (${workspace.id}, ${writer.id}, 'suggest', 'own', 'gpt-4o-mini', 100, 0, 0.0001, ${`${daysAgo(3)}T12:00:00Z`}),
        (${workspace.id}, ${owner.id}, 'suggest', 'own', 'gpt-4o-mini', 99999, 1, 9, ${`${daysAgo(60)}T12:00:00Z`})`
    })

    const page = await (await browser.newContext({ locale: 'pt-BR' })).newPage()
    await signInThroughPage(page, appUrl, owner)
    await page.getByRole('link', { name: 'Uso de IA' }).click()
    await page.getByRole('heading', { name: 'Uso de IA', level: 1 }).waitFor()

    // Totals of the last 30 days (the 60-day-old call is outside): 4,434 tokens, US$ 1,5134.
    const totals = page.getByTestId('usage-totals')
    expect(await text(totals)).toContain('4.434')
    expect(await text(totals)).toContain('US$ 1,5134')

    // The chart: one bar group per day of the period, today's tooltip with its split.
    const chart = page.getByTestId('usage-chart')
    expect(await chart.locator('g[data-day]').count()).toBe(30)
    const todayTitle = await text(chart.locator(`g[data-day="${today}"] > title`))
    expect(todayTitle).toContain('4.334 tokens (chave própria 1.834, plataforma 2.500)')
    expect(todayTitle).toContain('US$ 1,5133')
    expect(await chart.locator(`g[data-day="${today}"] rect[fill="#6C63FF"]`).count()).toBe(1)
    expect(await chart.locator(`g[data-day="${today}"] rect[fill="#4ADEB5"]`).count()).toBe(1)
    expect(await chart.locator(`g[data-day="${daysAgo(1)}"] rect[fill="#6C63FF"]`).count()).toBe(0)
    expect(await text(page.locator('#usage-chart-summary'))).toContain('houve uso em 2 dias')

    const rowText = async (testId: string, name: string) => (await page.getByTestId(testId).getByRole('row').filter({ has: page.getByRole('rowheader', { name, exact: true }) }).innerText()).replace(/\s+/g, ' ')
    expect(await rowText('usage-per-model', 'gpt-4o-mini')).toBe('gpt-4o-mini 3 1.600 334 1.934 0 US$ 0,0134')
    expect(await rowText('usage-per-model', 'gpt-4o')).toContain('gpt-4o 1 2.000 500 0 2.500 US$ 1,50')
    expect(await rowText('usage-per-member', 'Olga')).toBe('Olga 2 1.834 0 1.834 US$ 0,0133')
    expect(await rowText('usage-per-member', 'Wes')).toBe('Wes 2 100 2.500 2.600 US$ 1,5001')

    // Per-day numbers in the table under the chart.
    await page.getByText('Ver os números de cada dia').click()
    const days = page.getByTestId('usage-per-day')
    expect((await days.locator(`tr[data-day="${today}"]`).innerText()).replace(/\s+/g, ' ')).toContain('1.834 2.500 4.334 US$ 1,5133')

    // The 90-day period includes the old call.
    await page.getByRole('link', { name: 'Últimos 90 dias' }).click()
    await page.waitForURL(/days=90/)
    // Client-side navigation: wait for the new numbers rather than reading the old ones.
    await totals.getByText('104.434').waitFor()

    // The writer, in English, sees their own calls only.
    const writerPage = await (await browser.newContext({ locale: 'en' })).newPage()
    await signInThroughPage(writerPage, appUrl, writer, 'en')
    await writerPage.goto(`${appUrl}/w/${workspace.id}/usage`)
    await writerPage.getByRole('heading', { name: 'Your usage' }).waitFor()
    const members = writerPage.getByTestId('usage-per-member')
    expect((await members.innerText()).includes('Olga')).toBe(false)
    expect((await members.getByRole('row').filter({ hasText: 'Wes' }).innerText()).replace(/\s+/g, ' ')).toBe('Wes 2 100 2,500 2,600 $1.5001')
    expect(await text(writerPage.getByTestId('usage-totals'))).toContain('2,600')
  }, 120_000)
})
