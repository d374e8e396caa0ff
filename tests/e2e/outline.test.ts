// The book outline in the browser: chapters reordered by keyboard, by drag and drop and by
// the Move up button without JavaScript keep their order across a reload; a move made from
// a list another tab changed is refused and the outline shows the current order; typing in
// the editor updates the open chapter's word count in the outline.
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

/** A signed-in writer on the first chapter of a new book with `chapters` chapters. */
async function writerWithBook(chapters: number) {
  const user = await createConfirmedUser({ SUPABASE_URL: apiUrl, SUPABASE_SERVICE_ROLE_KEY: serviceRoleKey }, 'Clara')
  const context = await browser.newContext({ locale: 'pt-BR', viewport: { width: 1280, height: 900 } })
  const page = await context.newPage()
  await signInThroughPage(page, appUrl, user)
  await createFirstBook(page, 'Dom Casmurro')
  for (let n = 2; n <= chapters; n++) {
    await page.getByRole('button', { name: '+ Novo capítulo' }).click()
    await chapterOpen(page, `Capítulo ${n}`)
  }
  await page.getByRole('link', { name: /Capítulo 1/ }).click()
  await chapterOpen(page, 'Capítulo 1')
  return { context, page }
}

const chapterOpen = (page: Page, title: string) =>
  page.waitForFunction((t) => (document.querySelector('#chapter-title') as HTMLInputElement | null)?.value === t, title)

const outlineTitles = (page: Page) => page.locator('li[data-chapter-id] .truncate').allTextContents()

/** Waits for the outline to show these titles, in this order. */
async function expectOutline(page: Page, titles: string[]) {
  await expect.poll(() => outlineTitles(page)).toEqual(titles)
}

const reorderAnswer = (page: Page) => page.waitForResponse((r) => r.url().endsWith('/reorder') && r.request().method() === 'POST')

describe('the book outline', () => {
  it('reorders by keyboard and by drag and drop, and the order survives a reload', async () => {
    const { context, page } = await writerWithBook(4)
    const announcer = page.locator('#outline-announcer')

    // Keyboard: pick chapter 3 up, move it to the top, drop it.
    await page.getByRole('button', { name: 'Reordenar Capítulo 3' }).focus()
    await page.keyboard.press('Space')
    await expect.poll(() => announcer.textContent()).toContain('Capítulo 3 pego, na posição 3 de 4')
    await expect(page.locator('li[data-lifted]').textContent()).resolves.toContain('Capítulo 3')
    await page.keyboard.press('ArrowUp')
    await page.keyboard.press('ArrowUp')
    await expectOutline(page, ['Capítulo 3', 'Capítulo 1', 'Capítulo 2', 'Capítulo 4'])
    const saved = reorderAnswer(page)
    await page.keyboard.press('Space')
    expect((await saved).status()).toBe(200)
    await expect.poll(() => announcer.textContent()).toBe('Capítulo 3 movido para a posição 1 de 4.')
    await expect(page.locator('li[data-chapter-id] [data-position]').allTextContents()).resolves.toEqual(['1', '2', '3', '4'])
    // Focus stays on the handle, ready for the next move.
    await expect(page.evaluate(() => document.activeElement?.getAttribute('aria-label'))).resolves.toBe('Reordenar Capítulo 3')

    // Escape puts a picked-up chapter back and saves nothing.
    await page.keyboard.press('Enter')
    await page.keyboard.press('ArrowDown')
    await page.keyboard.press('Escape')
    await expect.poll(() => announcer.textContent()).toBe('Movimento cancelado. Capítulo 3 voltou à posição 1.')
    await expectOutline(page, ['Capítulo 3', 'Capítulo 1', 'Capítulo 2', 'Capítulo 4'])

    // Drag and drop: chapter 4 onto the upper half of chapter 1's row.
    const rows = page.locator('li[data-chapter-id]')
    const dropped = reorderAnswer(page)
    await rows.nth(3).dragTo(rows.nth(1), { targetPosition: { x: 120, y: 4 } })
    expect((await dropped).status()).toBe(200)
    await expectOutline(page, ['Capítulo 3', 'Capítulo 4', 'Capítulo 1', 'Capítulo 2'])
    await expect.poll(() => announcer.textContent()).toBe('Capítulo 4 movido para a posição 2 de 4.')

    await page.reload()
    await expectOutline(page, ['Capítulo 3', 'Capítulo 4', 'Capítulo 1', 'Capítulo 2'])
    await context.close()
  })

  it('shows the drop line while dragging', async () => {
    const { context, page } = await writerWithBook(3)
    const rows = page.locator('li[data-chapter-id]')
    const from = await rows.nth(2).boundingBox()
    const to = await rows.nth(0).boundingBox()
    if (!from || !to) throw new Error('the outline has no rows')
    await page.mouse.move(from.x + 60, from.y + from.height / 2)
    await page.mouse.down()
    await page.mouse.move(from.x + 70, from.y + 4, { steps: 4 })
    await page.mouse.move(to.x + 80, to.y + 4, { steps: 8 })
    // Chromium sends dragover on a timer while the pointer moves: keep it moving a little.
    for (let i = 1; i <= 5; i++) {
      await page.waitForTimeout(60)
      await page.mouse.move(to.x + 80 + i, to.y + 4)
    }
    await page.locator('[data-drop-indicator]').waitFor()
    await expect(rows.nth(0).locator('[data-drop-indicator="top"]').count()).resolves.toBe(1)
    await page.mouse.up()
    await expectOutline(page, ['Capítulo 3', 'Capítulo 1', 'Capítulo 2'])
    await expect(page.locator('[data-drop-indicator]').count()).resolves.toBe(0)
    await context.close()
  })

  it('refuses a move made from a list another tab changed, and shows the current order', async () => {
    const { context, page } = await writerWithBook(3)
    const other = await context.newPage()
    await other.goto(page.url())
    const saved = reorderAnswer(other)
    await other.getByRole('button', { name: 'Mover Capítulo 3 para cima' }).click()
    expect((await saved).status()).toBe(200)
    await expectOutline(other, ['Capítulo 1', 'Capítulo 3', 'Capítulo 2'])

    // The first tab still shows 1, 2, 3 and moves chapter 1 down.
    const refused = reorderAnswer(page)
    await page.getByRole('button', { name: 'Mover Capítulo 1 para baixo' }).click()
    expect((await refused).status()).toBe(409)
    await page.getByRole('alert').filter({ hasText: 'A lista de capítulos mudou em outra aba ou aparelho.' }).waitFor()
    await expectOutline(page, ['Capítulo 1', 'Capítulo 3', 'Capítulo 2'])
    await page.reload()
    await expectOutline(page, ['Capítulo 1', 'Capítulo 3', 'Capítulo 2'])
    await context.close()
  })

  it('moves a chapter up with the button without JavaScript', async () => {
    const { context, page } = await writerWithBook(3)
    const chapterUrl = page.url()
    const plain = await browser.newContext({ locale: 'pt-BR', javaScriptEnabled: false, storageState: await context.storageState() })
    const noScript = await plain.newPage()
    await noScript.goto(chapterUrl)
    await noScript.getByRole('button', { name: 'Mover Capítulo 2 para cima' }).click()
    await noScript.waitForURL(chapterUrl)
    await expectOutline(noScript, ['Capítulo 2', 'Capítulo 1', 'Capítulo 3'])
    await plain.close()
    await page.reload()
    await expectOutline(page, ['Capítulo 2', 'Capítulo 1', 'Capítulo 3'])
    await context.close()
  })

  it('updates the open chapter’s word count in the outline while the writer types', async () => {
    const { context, page } = await writerWithBook(2)
    const openRow = page.locator('li[data-chapter-id]').filter({ hasText: 'Capítulo 1' })
    await expect(openRow.textContent()).resolves.toContain('0 palavras')
    await page.locator('.ProseMirror').click()
    await page.keyboard.type('Uma noite destas, vindo da cidade')
    await expect.poll(() => openRow.textContent()).toContain('6 palavras')
    await page.keyboard.type(' para o Engenho Novo.')
    await expect.poll(() => openRow.textContent()).toContain('10 palavras')
    // The other chapter's count is untouched, and no navigation happened.
    await expect(page.locator('li[data-chapter-id]').filter({ hasText: 'Capítulo 2' }).textContent()).resolves.toContain('0 palavras')
    await expect(page.locator('.ProseMirror').innerText()).resolves.toContain('Engenho Novo.')

    // After saving and moving to another chapter, the row keeps the count.
    await page.locator('[data-autosave-state="saved"]').waitFor()
    await page.getByRole('link', { name: /Capítulo 2/ }).click()
    await chapterOpen(page, 'Capítulo 2')
    await expect(openRow.textContent()).resolves.toContain('10 palavras')
    await page.reload()
    await expect.poll(() => openRow.textContent()).toContain('10 palavras')
    await context.close()
  })
})
