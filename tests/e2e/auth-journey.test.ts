// A new writer's first visit, in the browser: sign up in Portuguese, confirm through the
// emailed link, land in the personal workspace, create and switch workspaces, switch to
// English, sign out and sign back in.
import { randomUUID } from 'node:crypto'
import { chromium, type Browser, type Page } from 'playwright-core'
import { inject } from 'vitest'
import { CHROMIUM_ARGS } from '../setup/chromium.ts'
import { waitForEmailLink } from '../helpers/mailbox.ts'

const { appUrl, mailUrl, chromium: executablePath } = inject('e2e')
let browser: Browser

beforeAll(async () => {
  browser = await chromium.launch({ executablePath, args: CHROMIUM_ARGS, headless: true })
})
afterAll(async () => {
  await browser?.close()
})

async function newPage(locale: string): Promise<Page> {
  const context = await browser.newContext({ locale, viewport: { width: 1280, height: 900 } })
  return context.newPage()
}

describe('a new writer', () => {
  it('signs up, confirms by email, works across workspaces, switches language, signs out and in', async () => {
    const email = `ana-${randomUUID().slice(0, 8)}@example.com`
    const password = 'uma senha longa'
    const page = await newPage('pt-BR')

    await page.goto(appUrl)
    await expect(page.getByRole('heading', { level: 1 }).textContent()).resolves.toContain('Escreva no fluxo')
    await page.getByRole('link', { name: 'Começar grátis' }).first().click()

    await page.getByLabel('Como quer ser chamado').fill('Ana')
    await page.getByLabel('E-mail').fill(email)
    await page.getByLabel('Senha').fill(password)
    await page.getByRole('button', { name: 'Criar conta' }).click()
    await page.getByText('Confira seu e-mail').waitFor()

    const link = await waitForEmailLink(mailUrl, email, /\/auth\/confirm\?token_hash=/)
    await page.goto(link)
    await page.getByRole('button', { name: 'Continuar' }).click()
    await page.waitForURL(/\/w\/[0-9a-f-]{36}/)
    await page.getByRole('heading', { level: 1, name: 'Espaço de Ana', exact: true }).waitFor()
    const personalUrl = page.url()

    // A second workspace, then back to the personal one through the switcher.
    await page.getByLabel('Trocar de espaço').click()
    await page.getByRole('link', { name: '+ Novo espaço de trabalho' }).click()
    await page.getByLabel('Nome do espaço').fill('Oficina de Contos')
    await page.getByRole('button', { name: 'Criar espaço' }).click()
    await page.getByText('Espaço criado. Bom trabalho!').waitFor()
    await page.getByRole('heading', { level: 1, name: 'Oficina de Contos', exact: true }).waitFor()
    await page.getByLabel('Trocar de espaço').click()
    await page.getByRole('link', { name: 'Espaço de Ana' }).click()
    await page.waitForURL(personalUrl)
    await page.getByRole('heading', { level: 1, name: 'Espaço de Ana', exact: true }).waitFor()

    // Language follows the user's saved choice, not the browser's.
    await page.getByRole('link', { name: 'Sua conta: Ana' }).click()
    await page.getByRole('heading', { level: 1, name: 'Sua conta' }).waitFor()
    await page.getByLabel('Idioma', { exact: true }).selectOption('en')
    await page.getByRole('button', { name: 'Salvar' }).click()
    await page.getByText('Preferences saved.').waitFor()
    await expect(page.locator('html').getAttribute('lang')).resolves.toBe('en')

    await page.getByRole('button', { name: 'Sign out' }).click()
    await page.getByText('You are signed out').waitFor()

    await page.getByRole('link', { name: 'Sign in' }).first().click()
    await page.getByLabel('Email').first().fill(email)
    await page.getByLabel('Password').fill('wrong password')
    await page.getByRole('button', { name: 'Sign in', exact: true }).click()
    await page.getByText('Wrong email or password.').waitFor()
    await page.getByLabel('Password').fill(password)
    await page.getByRole('button', { name: 'Sign in', exact: true }).click()
    // Back where the writer was last: the personal workspace.
    await page.waitForURL(personalUrl)
    await page.getByRole('heading', { level: 1, name: 'Espaço de Ana', exact: true }).waitFor()
  })
})
