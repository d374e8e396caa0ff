// "Test connection" in the browser: an owner saves a provider pointing at the fake OpenAI
// server with a canary key, presses Test connection and sees the key's models; with a wrong
// key the page says the provider refused it. No response the browser received holds either key.
import { randomUUID } from 'node:crypto'
import { chromium, type Browser } from 'playwright-core'
import postgres from 'postgres'
import { inject } from 'vitest'
import { startFakeOpenAI, type RunningFakeOpenAI } from '../fakes/fake-openai.server.ts'
import { createConfirmedUser } from '../helpers/app-requests.ts'
import { CHROMIUM_ARGS } from '../setup/chromium.ts'
import { recordResponseBodies, saveProviderThroughSettings, signInThroughPage } from '../helpers/browser.ts'

const { appUrl, chromium: executablePath, apiUrl, serviceRoleKey, dbUrl } = inject('e2e')
const canary = `sk-canary-${randomUUID()}`
let browser: Browser
let fake: RunningFakeOpenAI
const sql = postgres(dbUrl, { prepare: false, onnotice: () => {} })

beforeAll(async () => {
  browser = await chromium.launch({ executablePath, args: CHROMIUM_ARGS, headless: true })
  fake = await startFakeOpenAI({ apiKeys: [canary] })
})
afterAll(async () => {
  await browser?.close()
  await fake?.stop()
  await sql.end()
})

describe('Test connection in the browser', () => {
  it('lists the models for a good key, explains a refused one, and never shows a key', async () => {
    const owner = await createConfirmedUser({ SUPABASE_URL: apiUrl, SUPABASE_SERVICE_ROLE_KEY: serviceRoleKey }, 'Olga')
    const [workspace] = await sql<{ id: string }[]>`select id from public.tenants where created_by = ${owner.id} and personal`
    const page = await (await browser.newContext({ locale: 'pt-BR' })).newPage()
    const bodies = recordResponseBodies(page)
    await signInThroughPage(page, appUrl, owner)

    await saveProviderThroughSettings(page, appUrl, workspace.id, { baseUrl: fake.url, chatModel: 'gpt-4o-mini', embedModel: 'embed-nope', apiKey: canary })
    await page.getByRole('button', { name: 'Testar conexão' }).click()
    const outcome = page.getByTestId('test-connection')
    await outcome.waitFor()
    await expect(outcome.textContent()).resolves.toContain('gpt-4o-mini')
    await expect(outcome.textContent()).resolves.toContain('“embed-nope” não está na lista')
    expect(await page.locator('datalist#ai-provider-models option').count()).toBeGreaterThan(0)

    const wrong = `sk-wrong-${randomUUID()}`
    await page.locator('input[name=apiKey]').fill(wrong)
    await page.getByRole('button', { name: 'Salvar provedor' }).click()
    await page.getByText('Chave guardada: •••• ' + wrong.slice(-4), { exact: true }).waitFor()
    await page.getByRole('button', { name: 'Testar conexão' }).click()
    await page.getByText('O provedor recusou a chave.', { exact: false }).waitFor()

    await page.waitForTimeout(200)
    for (const body of bodies) {
      expect(body).not.toContain(canary)
      expect(body).not.toContain(wrong)
    }
  }, 90_000)
})
