// Key secrecy in the browser: an owner adds an AI provider with a canary key and replaces it;
// neither key appears in any HTTP response the browser received, in the app server's output,
// or in any database column outside Vault — yet Vault holds the current one.
import { randomUUID } from 'node:crypto'
import { chromium, type Browser, type Page } from 'playwright-core'
import postgres from 'postgres'
import { inject } from 'vitest'
import { createConfirmedUser } from '../helpers/app-requests.ts'
import { startAppServer, type AppServer } from '../setup/app-server.ts'
import { CHROMIUM_ARGS } from '../setup/chromium.ts'
import { freePort } from '../setup/test-stack.ts'
import { recordResponseBodies, signInThroughPage } from '../helpers/browser.ts'
import { tablesHolding } from '../helpers/key-scan.ts'

const { appEnv, chromium: executablePath, apiUrl, serviceRoleKey, dbUrl } = inject('e2e')
let browser: Browser
// An app server of this file's own, so its output can be searched for the key.
let app: AppServer
const sql = postgres(dbUrl, { prepare: false, onnotice: () => {} })

beforeAll(async () => {
  browser = await chromium.launch({ executablePath, args: CHROMIUM_ARGS, headless: true })
  app = await startAppServer({ port: await freePort(), env: appEnv })
})
afterAll(async () => {
  await browser?.close()
  await app?.stop()
  await sql.end()
})

async function signIn(user: { email: string; password: string }): Promise<{ page: Page; bodies: string[] }> {
  const context = await browser.newContext({ locale: 'pt-BR', viewport: { width: 1200, height: 1000 } })
  const page = await context.newPage()
  const bodies = recordResponseBodies(page, { headers: true })
  await signInThroughPage(page, app.url, user)
  return { page, bodies }
}

describe('Settings → AI provider in the browser', () => {
  it('keeps the key out of every response, the server output and every column outside Vault', async () => {
    const env = { SUPABASE_URL: apiUrl, SUPABASE_SERVICE_ROLE_KEY: serviceRoleKey }
    const owner = await createConfirmedUser(env, 'Olga')
    const writer = await createConfirmedUser(env, 'Wes')
    const [workspace] = await sql<{ id: string }[]>`select id from public.tenants where created_by = ${owner.id} and personal`
    await sql`insert into public.memberships (tenant_id, user_id, role) values (${workspace.id}, ${writer.id}, 'writer')`
    const canary = `sk-canary-${randomUUID()}`
    const rotated = `sk-rotated-${randomUUID()}`

    const { page, bodies } = await signIn(owner)
    await page.goto(`${app.url}/w/${workspace.id}/settings`)
    await page.getByRole('link', { name: /Provedor de IA/ }).click()
    await page.getByLabel('Tipo de provedor').selectOption('openai_compatible')
    await page.getByLabel('Endereço da API (base URL)').fill('http://localhost:11434/v1')
    await page.getByLabel('Modelo de conversa').fill('llama3.1')
    await page.getByLabel('Modelo de embeddings').fill('nomic-embed-text')
    await page.getByLabel('Chave da API').fill(canary)
    await page.getByRole('button', { name: 'Salvar provedor' }).click()
    await page.getByText(`Chave guardada: •••• ${canary.slice(-4)}`, { exact: true }).waitFor()
    expect(await page.getByLabel('Trocar a chave').inputValue()).toBe('')

    await page.getByLabel('Trocar a chave').fill(rotated)
    await page.getByRole('button', { name: 'Salvar provedor' }).click()
    await page.getByText(`Chave guardada: •••• ${rotated.slice(-4)}`, { exact: true }).waitFor()
    await page.getByText(`Olga trocou a chave (•••• ${rotated.slice(-4)})`).waitFor()
    await page.reload()
    await page.getByText(`Chave guardada: •••• ${rotated.slice(-4)}`, { exact: true }).waitFor()

    const [vault] = await sql`
      select d.decrypted_secret from public.ai_providers p join vault.decrypted_secrets d on d.id = p.key_secret_id
      where p.tenant_id = ${workspace.id}`
    expect(vault.decrypted_secret).toBe(rotated)

    const writerSession = await signIn(writer)
    await writerSession.page.goto(`${app.url}/w/${workspace.id}/settings/ai`)
    await writerSession.page.getByText('Só proprietários e administradores').waitFor()
    expect(await writerSession.page.getByLabel('Trocar a chave').count()).toBe(0)

    // The search below does see what the browser received and what the database holds.
    expect(bodies.some((body) => body.includes(`•••• ${rotated.slice(-4)}`))).toBe(true)
    expect(await tablesHolding(sql, 'nomic-embed-text')).toContain('public.ai_providers')
    for (const key of [canary, rotated]) {
      expect(bodies.filter((body) => body.includes(key))).toEqual([])
      expect(writerSession.bodies.filter((body) => body.includes(key))).toEqual([])
      expect(app.output()).not.toContain(key)
      expect(await tablesHolding(sql, key)).toEqual([])
    }
  })
})
