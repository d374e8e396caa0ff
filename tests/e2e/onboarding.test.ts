// The onboarding wizard in the browser. A writer signs up (pt-BR), is invited to set up their
// first book, creates it, connects a provider pointing at the fake OpenAI server, tests the
// connection, picks models from the list and lands in the book's editor — and no response the
// browser received holds the key. Another (en) skips the key and still ends in the editor.
// Neither is offered the wizard again.
import { randomUUID } from 'node:crypto'
import { chromium, type Browser, type Page } from 'playwright-core'
import postgres from 'postgres'
import { inject } from 'vitest'
import { startFakeOpenAI, type RunningFakeOpenAI } from '../fakes/fake-openai.server.ts'
import { createConfirmedUser } from '../helpers/app-requests.ts'
import { recordResponseBodies, signInThroughPage } from '../helpers/browser.ts'
import { waitForEmailLink } from '../helpers/mailbox.ts'
import { CHROMIUM_ARGS } from '../setup/chromium.ts'

const { appUrl, mailUrl, chromium: executablePath, apiUrl, serviceRoleKey, dbUrl } = inject('e2e')
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

async function newPage(locale: string): Promise<Page> {
  return (await browser.newContext({ locale, viewport: { width: 1280, height: 900 } })).newPage()
}

describe('Onboarding wizard in the browser', () => {
  it('a new writer signs up, creates a book, connects a provider, picks models and lands in the editor', async () => {
    const email = `bia-${randomUUID().slice(0, 8)}@example.com`
    const page = await newPage('pt-BR')
    const bodies = recordResponseBodies(page)

    await page.goto(`${appUrl}/signup`)
    await page.getByLabel('Como quer ser chamado').fill('Bia')
    await page.getByLabel('E-mail').fill(email)
    await page.getByLabel('Senha').fill('uma senha longa')
    await page.getByRole('button', { name: 'Criar conta' }).click()
    await page.getByText('Confira seu e-mail').waitFor()
    await page.goto(await waitForEmailLink(mailUrl, email, /\/auth\/confirm\?token_hash=/))
    await page.getByRole('button', { name: 'Continuar' }).click()
    await page.waitForURL(/\/w\/[0-9a-f-]{36}/)

    // The home of the new, empty workspace invites to the wizard.
    await page.getByTestId('onboarding-card').getByRole('link', { name: 'Começar a configuração' }).click()
    await page.getByText('Passo 1 de 3').waitFor()
    await page.getByLabel('Título').fill('A Casa das Marés')
    await page.getByRole('button', { name: 'Criar o livro e continuar' }).click()

    await page.getByText('Passo 2 de 3').waitFor()
    await page.getByLabel('Tipo de provedor').selectOption('openai_compatible')
    await page.getByLabel('Endereço da API (base URL)').fill(fake.url)
    await page.getByRole('button', { name: 'Salvar e continuar' }).click()
    // No key typed: the step says so next to the field.
    await page.getByText('Cole a chave que o provedor forneceu.').waitFor()
    await page.getByLabel('Endereço da API (base URL)').fill(fake.url)
    await page.getByLabel('Chave da API').fill(canary)
    await page.getByRole('button', { name: 'Salvar e continuar' }).click()

    await page.getByText('Passo 3 de 3').waitFor()
    await page.getByRole('button', { name: 'Testar conexão' }).click()
    const choose = page.getByTestId('choose-models')
    await choose.waitFor()
    await choose.getByLabel('Modelo de conversa').selectOption('gpt-4o')
    await choose.getByLabel('Modelo de embeddings').selectOption('text-embedding-3-large')
    await page.getByRole('button', { name: 'Salvar os modelos e abrir o livro' }).click()

    await page.waitForURL(/\/b\/[0-9a-f-]{36}\/c\/[0-9a-f-]{36}/)
    await page.locator('.ProseMirror').waitFor()
    await page.getByText('A Casa das Marés').first().waitFor()
    const [provider] = await sql`select p.chat_model, p.embed_model, p.key_last4 from public.ai_providers p
      join public.tenants t on t.id = p.tenant_id join auth.users u on u.id = t.created_by where u.email = ${email}`
    expect(provider).toMatchObject({ chat_model: 'gpt-4o', embed_model: 'text-embedding-3-large', key_last4: canary.slice(-4) })

    // Finished: the home page no longer offers it, and the wizard's address leads home.
    await page.goto(page.url().replace(/\/b\/.*$/, ''))
    await page.getByRole('heading', { level: 1, name: 'Espaço de Bia' }).waitFor()
    expect(await page.getByTestId('onboarding-card').count()).toBe(0)
    await page.goto(`${page.url()}/welcome`)
    await page.getByRole('heading', { level: 1, name: 'Espaço de Bia' }).waitFor()

    await page.waitForTimeout(200)
    for (const body of bodies) expect(body).not.toContain(canary)
  }, 120_000)

  it('a writer who skips the key still ends in the editor, and the wizard is not offered again', async () => {
    const user = await createConfirmedUser({ SUPABASE_URL: apiUrl, SUPABASE_SERVICE_ROLE_KEY: serviceRoleKey }, 'Cal')
    const page = await newPage('en')
    await signInThroughPage(page, appUrl, user, 'en')
    await page.getByRole('link', { name: 'Start the setup' }).click()
    await page.getByText('Step 1 of 3').waitFor()
    await page.getByRole('button', { name: 'Create the book and continue' }).click()
    // An empty title is refused next to the field.
    await page.getByRole('alert').first().waitFor()
    await page.getByLabel('Title').fill('Tidewater')
    await page.getByLabel('Language of the book').selectOption('en')
    await page.getByRole('button', { name: 'Create the book and continue' }).click()
    await page.getByText('Step 2 of 3').waitFor()
    await page.getByRole('button', { name: 'Skip for now' }).click()
    await page.getByText('Step 3 of 3').waitFor()
    await page.getByText('Without a key there are no models to choose yet.', { exact: false }).waitFor()
    // The progress says the key was skipped, not done.
    const progress = page.getByRole('list', { name: /progress/i })
    expect((await progress.getByRole('listitem').nth(1).innerText()).replace(/\s+/g, ' ')).toContain('Connect the AI · skipped')
    await page.getByRole('button', { name: 'Open the book and start writing' }).click()
    await page.waitForURL(/\/c\/[0-9a-f-]{36}/)
    await page.locator('.ProseMirror').waitFor()
    await page.getByText('Chapter 1').first().waitFor()

    await page.goto(page.url().replace(/\/b\/.*$/, ''))
    await page.getByRole('heading', { level: 2, name: 'Books' }).waitFor()
    expect(await page.getByTestId('onboarding-card').count()).toBe(0)
  }, 120_000)
})
