// `npm run bench:writing`: what a writer feels in the writing core, measured against the real
// app (built and served as in production) on a throw-away local stack:
//   - keystroke-to-paint latency in headless Chromium on a 20,000-word chapter (p95 ≤ 16 ms);
//   - the autosave round trip for that chapter (p95 ≤ 150 ms);
//   - importing Pride and Prejudice end to end through the import page (≤ 5 s);
//   - exporting it to EPUB and to DOCX (≤ 3 s each);
//   - the JavaScript the chapter page ships, gzip (≤ 300 KB).
// Figures go to bench-results/writing.json.
import fs from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { gzipSync } from 'node:zlib'
import { chromium, type Browser, type Page } from 'playwright-core'
import { projectRoot, stackConfigFromEnv } from '../supabase/local/config.ts'
import { startStack } from '../supabase/local/start.ts'
import { cookiesFrom, createConfirmedUser } from '../tests/helpers/app-requests.ts'
import { buildApp, startAppServer, type AppServer } from '../tests/setup/app-server.ts'
import { CHROMIUM_ARGS, ensureChromium } from '../tests/setup/chromium.ts'
import { freePort } from '../tests/setup/test-stack.ts'
import { ms, percentile } from './stats.ts'
// The app's modules import each other as `~/…`: registered here, then imported dynamically.
import '../scripts/lib/app-alias.ts'

const { withUser, closeDb } = await import('../app/utils/db.server.ts')
const { createChapter } = await import('../app/modules/chapters/chapters.server.ts')
const { toDocx } = await import('../app/modules/export/docx.server.ts')
const { toEpub } = await import('../app/modules/export/epub.server.ts')
const { countWords, toPlainText } = await import('../app/modules/manuscript/plain-text.ts')
type ManuscriptDoc = import('../app/modules/manuscript/schema.ts').ManuscriptDoc
type ExportBook = import('../app/modules/export/book.ts').ExportBook

const TARGETS = { keystrokeP95Ms: 16, autosaveP95Ms: 150, importMs: 5_000, epubMs: 3_000, docxMs: 3_000, editorJsGzipKB: 300 }
const CHAPTER_WORDS = 20_000
const SMALL_CHAPTER_WORDS = 100
const KEYSTROKES = 200
const SAVES = 30
const FIXTURE = path.join(projectRoot, '..', 'shared', 'fixtures', 'books', 'pride-and-prejudice.txt')

type Claims = { sub: string; role: string; email: string }
type Summary = { label: string; figure: string; target: string; pass: boolean; info?: boolean }
const results: Record<string, unknown> = {}
const summary: Summary[] = []

const median = (samples: number[]) => percentile(samples, 50)
async function timed<T>(work: () => Promise<T>): Promise<[T, number]> {
  const started = performance.now()
  const value = await work()
  return [value, performance.now() - started]
}

/** Import through the app's import page (upload, parse, one transaction creating 61 chapters), as a browser posts it. */
async function benchImport(app: AppServer, cookie: string, workspaceId: string): Promise<string> {
  const bytes = await fs.readFile(FIXTURE)
  const importOnce = async () => {
    const form = new FormData()
    form.set('intent', 'import')
    form.set('title', 'Pride and Prejudice')
    form.set('language', 'en')
    form.set('file', new File([bytes], 'pride-and-prejudice.txt', { type: 'text/plain' }))
    const response = await fetch(`${app.url}/w/${workspaceId}/import`, { method: 'POST', body: form, headers: { cookie }, redirect: 'manual' })
    const location = response.headers.get('location') ?? ''
    const bookId = /\/b\/([0-9a-f-]{36})\//.exec(location)?.[1]
    if (response.status !== 302 || !bookId) throw new Error(`import failed: ${response.status} ${await response.text()}`)
    return bookId
  }
  await importOnce() // warms the server's JIT; not counted
  const times: number[] = []
  let bookId = ''
  for (let run = 0; run < 3; run++) {
    const [id, elapsed] = await timed(importOnce)
    bookId = id
    times.push(elapsed)
  }
  results.import = { file: path.basename(FIXTURE), runs: times, p50Ms: median(times), maxMs: Math.max(...times) }
  summary.push({ label: 'Import Pride and Prejudice (upload + parse + transaction), worst of 3', figure: ms(Math.max(...times)), target: `≤ ${TARGETS.importMs} ms`, pass: Math.max(...times) <= TARGETS.importMs })
  return bookId
}

async function loadBook(claims: Claims, bookId: string): Promise<ExportBook> {
  return withUser(claims, async (tx) => {
    const [book] = await tx<{ title: string; language: string; author: string }[]>`
      select b.title, b.language, coalesce(p.display_name, '') as author
      from public.books b left join public.profiles p on p.id = b.created_by
      where b.id = ${bookId}`
    const chapters = await tx<{ title: string; doc: ManuscriptDoc }[]>`
      select c.title, c.content as doc from public.chapters c
      where c.book_id = ${bookId} and c.deleted_at is null order by c.position, c.created_at`
    return { ...book, chapters: [...chapters] }
  })
}

/** Export = read the book's chapters from the database + build the file, as an export job would. */
async function benchExport(claims: Claims, bookId: string) {
  for (const [format, build, target] of [
    ['epub', toEpub, TARGETS.epubMs],
    ['docx', toDocx, TARGETS.docxMs],
  ] as const) {
    let bytes = 0
    const exportOnce = async () => {
      const file = await build(await loadBook(claims, bookId))
      bytes = file.byteLength
    }
    await exportOnce()
    const times: number[] = []
    for (let run = 0; run < 3; run++) times.push((await timed(exportOnce))[1])
    results[format] = { runs: times, p50Ms: median(times), maxMs: Math.max(...times), bytes }
    summary.push({ label: `${format.toUpperCase()} export of Pride and Prejudice (load + build), worst of 3`, figure: ms(Math.max(...times)), target: `≤ ${target} ms`, pass: Math.max(...times) <= target })
  }
}

/** The first `wanted` words of the imported novel as one chapter: whole paragraphs, headings kept. */
function firstWords(book: ExportBook, wanted: number): ManuscriptDoc {
  const content: ManuscriptDoc['content'] = []
  let words = 0
  for (const chapter of book.chapters) {
    for (const block of chapter.doc.content) {
      if (words >= wanted) break
      content.push(block)
      words += countWords(toPlainText({ type: 'doc', content: [block] }))
    }
  }
  return { type: 'doc', content }
}

async function postSave(app: AppServer, cookie: string, chapterPath: string, expectedVersion: number, content: ManuscriptDoc) {
  const response = await fetch(`${app.url}${chapterPath}/save`, {
    method: 'POST',
    headers: { cookie, 'content-type': 'application/json', accept: 'application/json' },
    body: JSON.stringify({ expectedVersion, content }),
  })
  const result = (await response.json()) as { status: string; version: number }
  if (!response.ok || result.status !== 'saved') throw new Error(`save failed: ${response.status} ${JSON.stringify(result)}`)
  return result.version
}

/** The editor's autosave: the whole chapter JSON with its version, one save after another (each a little different). */
async function benchAutosave(app: AppServer, cookie: string, chapterPath: string, doc: ManuscriptDoc, version: number): Promise<number> {
  const middle = doc.content.findIndex((block, i) => i >= doc.content.length / 2 && block.type === 'paragraph')
  const times: number[] = []
  for (let i = -3; i < SAVES; i++) {
    const edited: ManuscriptDoc = { ...doc, content: doc.content.with(middle, { type: 'paragraph', content: [{ type: 'text', text: `An edit, number ${i + 4}.` }] }) }
    // Timed from serialising the body (the editor does it on the main thread) to the answer.
    const [next, elapsed] = await timed(() => postSave(app, cookie, chapterPath, version, edited))
    version = next
    if (i >= 0) times.push(elapsed)
  }
  results.autosave = { saves: times.length, bytes: JSON.stringify(doc).length, p50Ms: median(times), p95Ms: percentile(times, 95), maxMs: Math.max(...times) }
  summary.push({ label: `Autosave round trip, ${CHAPTER_WORDS.toLocaleString('en')}-word chapter, p95 of ${SAVES}`, figure: `${ms(percentile(times, 95))} (p50 ${ms(median(times))})`, target: `≤ ${TARGETS.autosaveP95Ms} ms`, pass: percentile(times, 95) <= TARGETS.autosaveP95Ms })
  // Leave the chapter as it was before the edits, for the browser part.
  return postSave(app, cookie, chapterPath, version, doc)
}

// Keystroke-to-paint, measured inside the page, one key at a time. A capture listener on window
// sees each keydown first and takes its timeStamp: when the browser created the input event, so
// time spent queued behind other work counts. Chromium handles the key — keydown, keypress,
// beforeinput, the edit, input, and in the microtasks that follow ProseMirror's transaction,
// TipTap's and React's updates — in one task; a microtask queued by the last input listener
// marks its end ("handled"). requestAnimationFrame marks the start of the next frame ("frame"):
// rAF callbacks run just before that frame's style, layout and paint, and a MessageChannel
// message posted from the callback is delivered once the frame has been painted and handed to
// the compositor ("painted").
//   latency = painted − keydown: what the writer waits for, short of raster and scan-out;
//   work    = (handled − keydown) + (painted − frame): the same without the idle wait between the
//             two for the next frame (up to one refresh interval, 16.7 ms at 60 Hz, on any page).
// The target "p95 ≤ 16 ms" is read as "every keystroke fits in one frame" and checked against
// work; latency is reported beside it, with both measured on a 100-word chapter as the floor.
// (The Event Timing API reports the latency span too, but only in 8 ms steps and only above
// 16 ms; its count of slow keydowns is recorded as a cross-check.)
type KeySample = { latency: number; work: number; handling: number; rendering: number }
type ProbeWindow = { __keys: KeySample[]; __slowKeyEvents: number }

function installKeystrokeProbe() {
  const w = window as unknown as ProbeWindow
  w.__keys = []
  w.__slowKeyEvents = 0
  let current: { keydown: number; handled: number } | null = null
  window.addEventListener(
    'keydown',
    (event) => {
      const sample = { keydown: event.timeStamp, handled: 0 }
      current = sample
      requestAnimationFrame(() => {
        const frame = performance.now()
        const afterPaint = new MessageChannel()
        afterPaint.port1.onmessage = () => {
          const painted = performance.now()
          const handled = Math.min(sample.handled || frame, frame)
          const handling = handled - sample.keydown
          w.__keys.push({ latency: painted - sample.keydown, work: handling + (painted - frame), handling, rendering: painted - frame })
        }
        afterPaint.port2.postMessage(null)
      })
    },
    { capture: true },
  )
  window.addEventListener('input', () => {
    const sample = current
    if (sample) queueMicrotask(() => (sample.handled = performance.now()))
  })
  new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) if (entry.name === 'keydown' && entry.duration > 16) w.__slowKeyEvents++
  }).observe({ type: 'event', durationThreshold: 16 } as PerformanceObserverInit)
}

/** Opens a chapter page signed in, optionally recording the JavaScript it loads, and types into it. */
async function typeInChapter(browser: Browser, app: AppServer, cookie: string, chapterPath: string, recordScripts = false) {
  const context = await browser.newContext({ locale: 'en', viewport: { width: 1280, height: 900 } })
  await context.addCookies(
    cookie.split('; ').map((pair) => ({ name: pair.slice(0, pair.indexOf('=')), value: pair.slice(pair.indexOf('=') + 1), url: app.url })),
  )
  const page = await context.newPage()
  const scripts = new Map<string, number>()
  if (recordScripts) {
    page.on('response', async (response) => {
      if (response.request().resourceType() === 'script' || (response.headers()['content-type'] ?? '').includes('javascript')) {
        const body = await response.body().catch(() => null)
        if (body) scripts.set(new URL(response.url()).pathname, gzipSync(body).byteLength)
      }
    })
  }
  const [, loadMs] = await timed(async () => {
    await page.goto(`${app.url}${chapterPath}`)
    // The editor renders on the client only (immediatelyRender: false): its text appearing means hydrated.
    await page.locator('.ProseMirror p').first().waitFor()
  })
  await page.waitForLoadState('networkidle')
  // BENCH_CPU_PROFILE=file.cpuprofile records the page's JavaScript while typing (open it in DevTools).
  const profileTo = recordScripts ? process.env.BENCH_CPU_PROFILE : undefined
  const cdp = profileTo ? await context.newCDPSession(page) : null
  if (cdp) {
    await cdp.send('Profiler.enable')
    await cdp.send('Profiler.start')
  }
  const keys = await typeInTheMiddle(page)
  if (cdp && profileTo) await fs.writeFile(profileTo, JSON.stringify((await cdp.send('Profiler.stop')).profile))
  // The typed text reached the server: the benchmark typed into the real, saving editor.
  await page.locator('[data-autosave-state="saved"]').waitFor({ timeout: 30_000 })
  const slowKeyEvents = await page.evaluate(() => (window as unknown as ProbeWindow).__slowKeyEvents)
  await context.close()
  return { loadMs, keys, slowKeyEvents, scripts }
}

async function benchEditor(browser: Browser, app: AppServer, cookie: string, chapterPath: string, smallChapterPath: string) {
  const { loadMs, keys, slowKeyEvents, scripts } = await typeInChapter(browser, app, cookie, chapterPath, true)
  const jsGzipBytes = [...scripts.values()].reduce((a, b) => a + b, 0)
  const files = [...scripts].map(([file, gzipBytes]) => ({ file, gzipBytes })).sort((a, b) => b.gzipBytes - a.gzipBytes)
  results.editorJs = { files: files.length, gzipBytes: jsGzipBytes, largest: files.slice(0, 5) }
  const kb = jsGzipBytes / 1024
  summary.push({ label: `JavaScript the chapter page loads (${files.length} files), gzip`, figure: `${kb.toFixed(1)} KB`, target: `≤ ${TARGETS.editorJsGzipKB} KB`, pass: kb <= TARGETS.editorJsGzipKB })

  const small = await typeInChapter(browser, app, cookie, smallChapterPath)
  const figures = (samples: KeySample[]) => {
    const work = samples.map((s) => s.work)
    const latency = samples.map((s) => s.latency)
    const split = { handlingP50Ms: median(samples.map((s) => s.handling)), renderingP50Ms: median(samples.map((s) => s.rendering)) }
    return { ...split, keystrokes: samples.length, workP50Ms: median(work), workP95Ms: percentile(work, 95), workMaxMs: Math.max(...work), latencyP50Ms: median(latency), latencyP95Ms: percentile(latency, 95), latencyMaxMs: Math.max(...latency) }
  }
  const big = figures(keys)
  const floor = figures(small.keys)
  results.keystroke = { ...big, pageLoadToEditorMs: loadMs, eventTimingKeydownsOver16Ms: slowKeyEvents, smallChapter: { words: SMALL_CHAPTER_WORDS, ...floor, eventTimingKeydownsOver16Ms: small.slowKeyEvents } }
  summary.push({
    label: `Keystroke to paint, ${CHAPTER_WORDS.toLocaleString('en')}-word chapter: work per key, p95 of ${keys.length}`,
    figure: `${ms(big.workP95Ms)} (p50 ${ms(big.workP50Ms)}, max ${ms(big.workMaxMs)})`,
    target: `≤ ${TARGETS.keystrokeP95Ms} ms`,
    pass: big.workP95Ms <= TARGETS.keystrokeP95Ms,
  })
  const info = (label: string, figure: string) => summary.push({ label, figure, target: '', pass: true, info: true })
  info(`  … of which handling the key / producing the frame`, `p50 ${ms(big.handlingP50Ms)} / ${ms(big.renderingP50Ms)}`)
  info(`  … including the wait for the next frame`, `p95 ${ms(big.latencyP95Ms)} (p50 ${ms(big.latencyP50Ms)})`)
  info(`  … the same on a ${SMALL_CHAPTER_WORDS}-word chapter (the floor)`, `work p95 ${ms(floor.workP95Ms)}; with the frame wait p95 ${ms(floor.latencyP95Ms)} (p50 ${ms(floor.latencyP50Ms)})`)
}

/** Types KEYSTROKES characters, one at a time at a brisk typist's pace, in the middle of the chapter. */
async function typeInTheMiddle(page: Page): Promise<KeySample[]> {
  const paragraphs = page.locator('.ProseMirror > p')
  const target = paragraphs.nth(Math.floor((await paragraphs.count()) / 2))
  await target.scrollIntoViewIfNeeded()
  await target.click()
  await page.keyboard.press('End')
  await page.evaluate(installKeystrokeProbe)
  const text = ' She typed on, steadily, in the middle of the chapter.'.repeat(Math.ceil(KEYSTROKES / 50)).slice(0, KEYSTROKES)
  const warmUp = 10
  for (let i = 0; i < text.length + warmUp; i++) {
    await page.keyboard.type(i < warmUp ? 'x' : text[i - warmUp])
    await page.waitForFunction((n) => (window as unknown as ProbeWindow).__keys.length >= n, i + 1, { polling: 'raf' })
    // Typing at a brisk pace: about ten characters a second with the measuring round trips.
    await page.waitForTimeout(30)
  }
  const samples = await page.evaluate(() => (window as unknown as ProbeWindow).__keys)
  return samples.slice(warmUp)
}

async function main() {
  const executablePath = ensureChromium()
  const stateDir = await fs.mkdtemp(path.join(os.tmpdir(), 'flowstory-bench-writing-'))
  const appPort = await freePort()
  const stack = await startStack(
    stackConfigFromEnv({ stateDir, apiPort: await freePort(), dbPort: await freePort(), mailPort: await freePort(), siteUrl: `http://localhost:${appPort}`, quiet: true }),
  )
  const env = { SUPABASE_URL: stack.env.API_URL, SUPABASE_ANON_KEY: stack.env.ANON_KEY, SUPABASE_DB_URL: stack.env.DB_URL, SUPABASE_SERVICE_ROLE_KEY: stack.env.SERVICE_ROLE_KEY }
  // db.server.ts reads its connection from the environment when first used.
  Object.assign(process.env, env)
  let app: AppServer | undefined
  let browser: Browser | undefined
  try {
    const user = await createConfirmedUser(env, 'Bench')
    const claims = { sub: user.id, role: 'authenticated', email: user.email }
    await buildApp()
    app = await startAppServer({ port: appPort, env })
    const login = await fetch(`${app.url}/login`, { method: 'POST', body: new URLSearchParams({ intent: 'password', email: user.email, password: user.password }), redirect: 'manual' })
    if (login.status !== 302) throw new Error(`sign-in failed: ${login.status}`)
    const cookie = cookiesFrom(login)
    const [workspace] = await withUser(claims, (tx) => tx<{ id: string }[]>`select t.id from public.tenants t where t.personal`)

    const bookId = await benchImport(app, cookie, workspace.id)
    await benchExport(claims, bookId)

    // The 20,000-word chapter: added to the imported book and filled through the editor's save route.
    const book = await loadBook(claims, bookId)
    // The import really made the whole novel: 61 chapters, every word.
    const words = book.chapters.reduce((sum, c) => sum + countWords(toPlainText(c.doc)), 0)
    if (book.chapters.length !== 61 || words < 120_000) throw new Error(`the import made ${book.chapters.length} chapters, ${words} words`)
    Object.assign(results.import as object, { chapters: book.chapters.length, words })
    const addChapter = async (title: string, doc: ManuscriptDoc) => {
      const chapter = await withUser(claims, (tx) => createChapter({ tx, bookId, title }))
      const chapterPath = `/w/${workspace.id}/b/${bookId}/c/${chapter.id}`
      return { chapterPath, version: await postSave(app!, cookie, chapterPath, 1, doc) }
    }
    const doc = firstWords(book, CHAPTER_WORDS)
    const { chapterPath, version } = await addChapter('Twenty thousand words', doc)
    const small = await addChapter('A hundred words', firstWords(book, SMALL_CHAPTER_WORDS))
    await benchAutosave(app, cookie, chapterPath, doc, version)

    browser = await chromium.launch({ executablePath, args: CHROMIUM_ARGS, headless: true })
    await benchEditor(browser, app, cookie, chapterPath, small.chapterPath)
    results.chapterWords = countWords(toPlainText(doc))
  } finally {
    await browser?.close()
    await closeDb()
    await app?.stop()
    await stack.stop()
    await fs.rm(stateDir, { recursive: true, force: true })
  }

  const width = Math.max(...summary.map((s) => s.label.length))
  console.log(`\nWriting core (${os.cpus().length} cores, load average ${os.loadavg()[0].toFixed(2)}):`)
  for (const s of summary) console.log(`  ${s.info ? '    ' : s.pass ? 'pass' : 'MISS'}  ${s.label.padEnd(width)}  ${s.figure}${s.info ? '' : `  (target ${s.target})`}`)
  await fs.mkdir(path.join(projectRoot, 'bench-results'), { recursive: true })
  await fs.writeFile(
    path.join(projectRoot, 'bench-results', 'writing.json'),
    JSON.stringify({ at: new Date().toISOString(), targets: TARGETS, passed: summary.every((s) => s.pass), ...results }, null, 2),
  )
  console.log('\nFigures written to bench-results/writing.json')
}

await main()
