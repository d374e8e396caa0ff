// Writing in the browser: the text survives a reload, and nothing typed while the
// connection is gone is lost once it comes back.
import { chromium, type Browser } from 'playwright-core'
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

describe('a writer in the editor', () => {
  it('keeps every word across a reload and a lost connection', async () => {
    const user = await createConfirmedUser({ SUPABASE_URL: apiUrl, SUPABASE_SERVICE_ROLE_KEY: serviceRoleKey }, 'Clara')
    const context = await browser.newContext({ locale: 'pt-BR', viewport: { width: 1280, height: 900 } })
    const page = await context.newPage()
    await signInThroughPage(page, appUrl, user)

    await createFirstBook(page, 'Dom Casmurro')
    const editor = page.locator('.ProseMirror')
    await editor.click()
    await page.keyboard.type('-- Não, Capitu, não é isso.')
    await page.locator('[data-autosave-state="saved"]').waitFor()
    await page.reload()
    await expect(editor.innerText()).resolves.toContain('— Não, Capitu, não é isso.')

    // The connection drops mid-sentence; the writer keeps typing.
    await editor.click()
    await page.keyboard.press('End')
    await context.setOffline(true)
    await page.keyboard.type(' Escrevo sem rede.')
    await page.getByText('Sem conexão — alterações guardadas neste navegador').waitFor()
    await context.setOffline(false)
    await page.evaluate(() => window.dispatchEvent(new Event('online')))
    await page.locator('[data-autosave-state="saved"]').waitFor()
    await page.reload()
    await expect(editor.innerText()).resolves.toContain('não é isso. Escrevo sem rede.')
    await context.close()
  })

  it('does not push the text down and back while the save status changes, with the AI panel open', async () => {
    const user = await createConfirmedUser({ SUPABASE_URL: apiUrl, SUPABASE_SERVICE_ROLE_KEY: serviceRoleKey }, 'Dora')
    const context = await browser.newContext({ locale: 'pt-BR', viewport: { width: 1280, height: 900 } })
    const page = await context.newPage()
    await signInThroughPage(page, appUrl, user)
    await createFirstBook(page, 'Sem solavancos')
    await page.getByRole('button', { name: 'Assistente de IA' }).first().click()
    await page.getByRole('button', { name: 'Fechar o assistente' }).waitFor()
    const editor = page.locator('.ProseMirror')
    await editor.click()
    await page.locator('[data-autosave-state="saved"]').waitFor()
    const top = async () => (await editor.boundingBox())!.y
    const before = await top()
    await page.keyboard.type('Uma frase.')
    await page.locator('[data-autosave-state="unsaved"], [data-autosave-state="saving"]').first().waitFor()
    expect(await top()).toBe(before)
    await page.locator('[data-autosave-state="saved"]').waitFor()
    expect(await top()).toBe(before)
    await context.close()
  })
})
