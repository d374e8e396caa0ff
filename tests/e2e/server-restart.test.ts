// The app server dies while a writer is typing (SIGKILL: no goodbye to open connections) and
// comes back on the same port. The writer never stops typing and never reloads: the editor
// says the changes are kept, catches up once the server answers again, and every character
// typed is in the chapter — in the browser after a reload and in the database.
import postgres from 'postgres'
import { chromium, type Browser } from 'playwright-core'
import { inject } from 'vitest'
import { createConfirmedUser } from '../helpers/app-requests.ts'
import { startAppServer, type AppServer } from '../setup/app-server.ts'
import { CHROMIUM_ARGS } from '../setup/chromium.ts'
import { freePort } from '../setup/test-stack.ts'
import { createFirstBook, signInThroughPage } from '../helpers/browser.ts'

const { appEnv, chromium: executablePath, apiUrl, serviceRoleKey, dbUrl } = inject('e2e')
let browser: Browser
// This test kills its own app server, so the other browser tests keep theirs.
let app: AppServer
const sql = postgres(dbUrl, { prepare: false, max: 1, onnotice: () => {} })

beforeAll(async () => {
  app = await startAppServer({ port: await freePort(), env: appEnv })
  browser = await chromium.launch({ executablePath, args: CHROMIUM_ARGS, headless: true })
})
afterAll(async () => {
  await browser?.close()
  await app?.stop()
  await sql.end()
})

/** The chapter as the server stored it, read with the stack's service role. */
async function storedChapter(chapterId: string) {
  return sql.begin(async (tx) => {
    await tx`set local role service_role`
    const [row] = await tx<{ plain_text: string; version: number }[]>`select plain_text, version from public.chapters where id = ${chapterId}`
    return row
  })
}

// Plain words: nothing the typography rules would turn into another character.
const WORDS = 'Capitu olhou para mim com aqueles olhos de ressaca, e eu não soube o que dizer naquela tarde de maio; a chuva caía devagar sobre a Rua de Matacavalos.'.split(' ')

describe('a writer whose app server crashes mid-sentence', () => {
  it('keeps typing through the crash and the restart, and loses no character', async () => {
    const user = await createConfirmedUser({ SUPABASE_URL: apiUrl, SUPABASE_SERVICE_ROLE_KEY: serviceRoleKey }, 'Bento')
    const context = await browser.newContext({ locale: 'pt-BR', viewport: { width: 1280, height: 900 } })
    const page = await context.newPage()
    await signInThroughPage(page, app.url, user)
    await createFirstBook(page, 'Dom Casmurro')
    const chapterId = new URL(page.url()).pathname.split('/c/')[1]
    const editor = page.locator('.ProseMirror')
    const status = page.getByRole('status')

    await editor.click()
    let typed = 'Era uma vez.'
    await page.keyboard.type(typed)
    await page.locator('[data-autosave-state="saved"]').waitFor()

    // A steady stream of real key presses, word after word, until the test says stop.
    let typing = true
    const typist = (async () => {
      for (let i = 0; typing; i++) {
        const word = ` ${WORDS[i % WORDS.length]}`
        await page.keyboard.type(word, { delay: 10 })
        typed += word
      }
    })()
    // Surface a failure of the typist at once instead of as an unhandled rejection later.
    const typistFailed = typist.then(
      () => new Promise<never>(() => {}),
      (error: unknown) => Promise.reject(error),
    )
    const during = <T,>(step: Promise<T>) => Promise.race([step, typistFailed])

    await during(editor.getByText('Capitu olhou para').waitFor())
    await during(app.kill())
    await during(status.getByText('Sem conexão — alterações guardadas neste navegador').waitFor())
    await during(app.restart())
    // Still typing: the autosave catches up on its own, without a reload.
    await during(page.locator('[data-autosave-state]:not([data-autosave-state="offline"])').waitFor())
    const grown = (length: number) => page.waitForFunction((n) => (document.querySelector('.ProseMirror')?.textContent?.length ?? 0) > n, length)
    await during(grown(typed.length + 40))

    typing = false
    await typist
    await page.locator('[data-autosave-state="saved"]').waitFor()
    expect(await editor.textContent()).toBe(typed)
    expect((await storedChapter(chapterId))?.plain_text).toBe(typed)

    await page.reload()
    await page.locator('[data-autosave-state="saved"]').waitFor()
    expect(await editor.textContent()).toBe(typed)
    expect(await page.getByText('Recuperamos alterações').count()).toBe(0)
    await context.close()
  })
})
