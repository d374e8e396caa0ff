// One chapter open in two tabs, different text typed in each: the later save is a conflict,
// told in the writer's language in that tab; neither text is lost (the current text holds
// one, the history the other); and the writer goes on from the conflicted tab by loading
// the latest text, which keeps what that tab wrote meanwhile as a version too.
import postgres from 'postgres'
import { chromium, type Browser, type Page } from 'playwright-core'
import { inject } from 'vitest'
import { createConfirmedUser } from '../helpers/app-requests.ts'
import { CHROMIUM_ARGS } from '../setup/chromium.ts'
import { createFirstBook, signInThroughPage } from '../helpers/browser.ts'

const { appUrl, chromium: executablePath, apiUrl, serviceRoleKey, dbUrl } = inject('e2e')
let browser: Browser
const sql = postgres(dbUrl, { prepare: false, max: 1, onnotice: () => {} })

beforeAll(async () => {
  browser = await chromium.launch({ executablePath, args: CHROMIUM_ARGS, headless: true })
})
afterAll(async () => {
  await browser?.close()
  await sql.end()
})

/** The chapter and its versions as the server stored them, read with the stack's service role. */
async function stored(chapterId: string) {
  return sql.begin(async (tx) => {
    await tx`set local role service_role`
    const [chapter] = await tx<{ plain_text: string }[]>`select plain_text from public.chapters where id = ${chapterId}`
    const versions = await tx<{ kind: string; plain_text: string }[]>`
      select kind, plain_text from public.chapter_versions where chapter_id = ${chapterId} order by created_at, chapter_version`
    return { text: chapter?.plain_text, versions }
  })
}

const editorOf = (page: Page) => page.locator('.ProseMirror')
const savedIn = (page: Page) => page.locator('[data-autosave-state="saved"]').waitFor()

async function typeAtEnd(page: Page, text: string) {
  await page.bringToFront()
  await editorOf(page).click()
  await page.keyboard.press('Control+End')
  await page.keyboard.type(text)
}

/**
 * A new writer's chapter with its first line saved, open in two tabs of one browser; tab A
 * saves " Escrito na aba A." first, then tab B's " Escrito na aba B." arrives on the old version.
 */
async function conflictInTwoTabs() {
  const user = await createConfirmedUser({ SUPABASE_URL: apiUrl, SUPABASE_SERVICE_ROLE_KEY: serviceRoleKey }, 'Helena')
  const context = await browser.newContext({ locale: 'pt-BR', viewport: { width: 1280, height: 900 } })
  const tabA = await context.newPage()
  await signInThroughPage(tabA, appUrl, user)
  await createFirstBook(tabA, 'Helena')
  const chapterUrl = tabA.url()
  const chapterId = new URL(chapterUrl).pathname.split('/c/')[1]
  await typeAtEnd(tabA, 'Primeira linha.')
  await savedIn(tabA)

  // The same chapter in a second tab: both start from the same version.
  const tabB = await context.newPage()
  await tabB.goto(chapterUrl)
  await savedIn(tabB)
  expect(await editorOf(tabB).textContent()).toBe('Primeira linha.')

  await typeAtEnd(tabA, ' Escrito na aba A.')
  await savedIn(tabA)
  await typeAtEnd(tabB, ' Escrito na aba B.')
  await tabB.getByRole('alert').getByText('Este capítulo foi alterado em outra aba.').waitFor()
  return { context, tabA, tabB, chapterUrl, chapterId }
}

describe('a chapter open in two tabs', () => {
  it('reports the later save as a conflict, keeps both texts, and lets the writer go on', async () => {
    const { context, tabA, tabB, chapterUrl, chapterId } = await conflictInTwoTabs()

    // Tab B's save came later: it is told, in Portuguese, and nothing is lost.
    const alert = tabB.getByRole('alert')
    await expect(alert.textContent()).resolves.toContain('o texto desta aba foi guardado como versão no histórico')
    await tabB.getByRole('status').getByText('Conflito com outra aba — nada se perdeu').waitFor()
    expect(await editorOf(tabA).textContent()).toBe('Primeira linha. Escrito na aba A.')
    expect(await tabA.locator('[data-autosave-state]').getAttribute('data-autosave-state')).toBe('saved')

    // The writer keeps typing in the conflicted tab: held in the browser, not saved over tab A's text.
    await typeAtEnd(tabB, ' E continuo na aba B.')
    expect(await editorOf(tabB).textContent()).toBe('Primeira linha. Escrito na aba B. E continuo na aba B.')

    // The history lists the conflicting text; the chapter holds tab A's.
    const history = await context.newPage()
    await history.goto(`${chapterUrl}/history`)
    const conflictEntry = history.getByRole('listitem').filter({ hasText: 'de outra aba (conflito)' })
    await conflictEntry.first().waitFor()
    await conflictEntry.first().getByRole('link', { name: 'Comparar com agora' }).click()
    await history.getByText('O que mudou de').waitFor()
    // Word by word: tab B's "B" against the chapter's "A", the rest the same.
    await history.locator('del', { hasText: /^B$/ }).waitFor()
    await history.locator('ins', { hasText: /^A$/ }).waitFor()
    expect(await stored(chapterId)).toMatchObject({
      text: 'Primeira linha. Escrito na aba A.',
      versions: expect.arrayContaining([{ kind: 'conflict', plain_text: 'Primeira linha. Escrito na aba B.' }]),
    })

    // Going on from tab B: load the latest text; what B typed since the conflict becomes a version too.
    await tabB.bringToFront()
    await tabB.getByRole('button', { name: 'Carregar o texto mais recente (o desta aba fica no histórico)' }).click()
    await tabB.getByText('Você está no texto mais recente.').waitFor()
    await savedIn(tabB)
    expect(await editorOf(tabB).textContent()).toBe('Primeira linha. Escrito na aba A.')
    expect(await tabB.getByRole('alert').count()).toBe(0)

    await typeAtEnd(tabB, ' Depois do conflito.')
    await savedIn(tabB)
    const final = await stored(chapterId)
    expect(final.text).toBe('Primeira linha. Escrito na aba A. Depois do conflito.')
    expect(final.versions.filter((v) => v.kind === 'conflict').map((v) => v.plain_text)).toEqual([
      'Primeira linha. Escrito na aba B.',
      'Primeira linha. Escrito na aba B. E continuo na aba B.',
    ])

    // After a reload both tabs show the one current text: every word typed is in it or in the history.
    await tabB.reload()
    await savedIn(tabB)
    expect(await editorOf(tabB).textContent()).toBe('Primeira linha. Escrito na aba A. Depois do conflito.')
    await context.close()
  })

  it('gives back what a closed conflicted tab was holding, in the next tab, without writing over the other text', async () => {
    const { context, tabA, tabB, chapterUrl, chapterId } = await conflictInTwoTabs()
    await typeAtEnd(tabB, ' Guardado só no navegador.')
    // Closed without a chance to send anything: the held words exist only in this browser's storage.
    await tabB.close()
    expect((await stored(chapterId)).versions.filter((v) => v.kind === 'conflict').map((v) => v.plain_text)).toEqual(['Primeira linha. Escrito na aba B.'])

    const tabC = await context.newPage()
    await tabC.goto(chapterUrl)
    await tabC.getByText('Recuperamos alterações que ainda não tinham sido salvas').waitFor()
    // Sent with the version tab B had: a conflict again, never an overwrite of tab A's text.
    await tabC.getByRole('alert').getByText('Este capítulo foi alterado em outra aba.').waitFor()
    expect(await editorOf(tabC).textContent()).toBe('Primeira linha. Escrito na aba B. Guardado só no navegador.')
    expect(await stored(chapterId)).toMatchObject({
      text: 'Primeira linha. Escrito na aba A.',
      versions: expect.arrayContaining([{ kind: 'conflict', plain_text: 'Primeira linha. Escrito na aba B. Guardado só no navegador.' }]),
    })

    await tabC.getByRole('button', { name: 'Carregar o texto mais recente (o desta aba fica no histórico)' }).click()
    await savedIn(tabC)
    expect(await editorOf(tabC).textContent()).toBe('Primeira linha. Escrito na aba A.')
    const final = await stored(chapterId)
    expect(final.text).toBe('Primeira linha. Escrito na aba A.')
    expect(final.versions.filter((v) => v.kind === 'conflict').map((v) => v.plain_text)).toEqual([
      'Primeira linha. Escrito na aba B.',
      'Primeira linha. Escrito na aba B. Guardado só no navegador.',
    ])
    // Tab A, open all along, was never touched.
    expect(await editorOf(tabA).textContent()).toBe('Primeira linha. Escrito na aba A.')
    expect(await tabA.locator('[data-autosave-state]').getAttribute('data-autosave-state')).toBe('saved')
    await context.close()
  })
})
