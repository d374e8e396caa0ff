// The trash in the browser: a chapter and a book go to the trash only after a confirmation,
// Undo brings a chapter back where it was, and the trash page restores a book with its text.
import { chromium, type Browser, type Page } from 'playwright-core'
import { inject } from 'vitest'
import { createConfirmedUser } from '../helpers/app-requests.ts'
import { CHROMIUM_ARGS } from '../setup/chromium.ts'
import { createFirstBook, signInThroughPage } from '../helpers/browser.ts'

const { appUrl, chromium: executablePath, apiUrl, serviceRoleKey } = inject('e2e')
let browser: Browser

beforeAll(async () => {
  browser = await chromium.launch({ executablePath, args: CHROMIUM_ARGS, headless: true })
})
afterAll(async () => {
  await browser?.close()
})

/** The chapter titles the outline shows, in order (read from its text, whatever its markup). */
const outline = async (page: Page) => (await page.getByRole('navigation', { name: 'Capítulos' }).innerText()).match(/Capítulo \d+/g) ?? []

describe('the trash', () => {
  it('trashes a chapter and a book after a confirmation, and brings both back', async () => {
    const user = await createConfirmedUser({ SUPABASE_URL: apiUrl, SUPABASE_SERVICE_ROLE_KEY: serviceRoleKey }, 'Lygia')
    const context = await browser.newContext({ locale: 'pt-BR', viewport: { width: 1280, height: 900 } })
    const page = await context.newPage()
    await signInThroughPage(page, appUrl, user)
    const home = page.url()

    await createFirstBook(page, 'Ciranda de Pedra')
    await page.locator('.ProseMirror').click()
    await page.keyboard.type('Virgínia olhou pela janela.')
    await page.locator('[data-autosave-state="saved"]').waitFor()
    await page.getByRole('button', { name: '+ Novo capítulo' }).click()
    await page.waitForFunction(() => document.querySelector<HTMLInputElement>('#chapter-title')?.value === 'Capítulo 2')

    // Trash the first chapter: nothing happens until the writer confirms.
    await page.getByRole('link', { name: /Capítulo 1/ }).click()
    await page.waitForFunction(() => document.querySelector<HTMLInputElement>('#chapter-title')?.value === 'Capítulo 1')
    await expect(page.getByRole('button', { name: 'Sim, mover para a lixeira' }).isVisible()).resolves.toBe(false)
    await page.getByText('Mover para a lixeira…').click()
    await page.getByRole('button', { name: 'Sim, mover para a lixeira' }).click()
    await page.getByText('O capítulo “Capítulo 1” foi para a lixeira.').waitFor()
    await expect(outline(page)).resolves.toEqual(['Capítulo 2'])

    // Undo: back in its place, with its text.
    await page.getByRole('button', { name: 'Desfazer: restaurar “Capítulo 1”' }).click()
    await page.waitForFunction(() => document.querySelector<HTMLInputElement>('#chapter-title')?.value === 'Capítulo 1')
    await expect(outline(page)).resolves.toEqual(['Capítulo 1', 'Capítulo 2'])
    await expect(page.locator('.ProseMirror').innerText()).resolves.toContain('Virgínia olhou pela janela.')

    // The book: from its settings, confirmed, then restored from the trash page.
    await page.getByRole('link', { name: 'Configurações do livro' }).click()
    await page.getByRole('heading', { name: 'Configurações do livro' }).waitFor()
    await page.getByText('Mover este livro para a lixeira…').click()
    await page.getByRole('button', { name: 'Sim, mover “Ciranda de Pedra” para a lixeira' }).click()
    await page.getByText('“Ciranda de Pedra” foi para a lixeira.').waitFor()
    await expect(page.getByRole('link', { name: /Ciranda de Pedra/ }).count()).resolves.toBe(0)

    await page.getByRole('link', { name: 'Abrir a lixeira' }).click()
    await page.getByRole('heading', { name: 'Lixeira' }).waitFor()
    await page.getByText('apagado de vez em 30 dias').waitFor()
    await page.getByRole('button', { name: 'Restaurar: Ciranda de Pedra' }).click()
    await page.getByText('“Ciranda de Pedra” voltou para os seus livros.').waitFor()
    await page.goto(home)
    await page.getByRole('link', { name: /Ciranda de Pedra/ }).click()
    await page.waitForURL(/\/c\//)
    await expect(page.locator('.ProseMirror').innerText()).resolves.toContain('Virgínia olhou pela janela.')
    await expect(outline(page)).resolves.toEqual(['Capítulo 1', 'Capítulo 2'])
    await context.close()
  })
})
