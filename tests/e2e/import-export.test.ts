// A writer brings a whole novel in and takes it out again: Pride and Prejudice is imported
// through the import page (61 chapters) and exported from the book's export page as EPUB and
// DOCX; the downloaded EPUB passes epubcheck and LibreOffice opens the DOCX.
import { execFile } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { promisify } from 'node:util'
import JSZip from 'jszip'
import { chromium, type Browser, type Page } from 'playwright-core'
import { inject } from 'vitest'
import { projectRoot } from '../../supabase/local/config.ts'
import { createConfirmedUser } from '../helpers/app-requests.ts'
import { CHROMIUM_ARGS } from '../setup/chromium.ts'
import { ensureDebianTool } from '../setup/debian-tools.ts'
import { signInThroughPage } from '../helpers/browser.ts'

const run = promisify(execFile)
const { appUrl, chromium: executablePath, apiUrl, serviceRoleKey } = inject('e2e')
const fixture = path.join(projectRoot, '..', 'shared', 'fixtures', 'books', 'pride-and-prejudice.txt')
let browser: Browser
let dir: string
let epubcheck: string
let soffice: string

beforeAll(async () => {
  epubcheck = ensureDebianTool({ pkg: 'epubcheck', binary: '/usr/bin/epubcheck' })
  soffice = ensureDebianTool({ pkg: 'libreoffice-writer-nogui', binary: '/usr/bin/soffice' })
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'flowstory-e2e-export-'))
  browser = await chromium.launch({ executablePath, args: CHROMIUM_ARGS, headless: true })
}, 600_000)
afterAll(async () => {
  await browser?.close()
  fs.rmSync(dir, { recursive: true, force: true })
})

/** Exports the book in `format` from the export page and saves the file the browser downloads. */
async function exportAndDownload(page: Page, format: 'EPUB (.epub)' | 'Word (.docx)'): Promise<string> {
  await page.getByLabel(format).check()
  await page.getByRole('button', { name: 'Export', exact: true }).click()
  const extension = format === 'EPUB (.epub)' ? 'epub' : 'docx'
  // The notice of this export (the previous one's stays until the new answer arrives).
  const ready = page.getByText(new RegExp(`^Ready: .+\\.${extension}\\.`))
  await ready.waitFor()
  const downloading = page.waitForEvent('download')
  await ready.getByRole('link', { name: 'Download', exact: true }).click()
  const download = await downloading
  const file = path.join(dir, download.suggestedFilename())
  await download.saveAs(file)
  return file
}

describe('a writer imports a novel and exports it', () => {
  it('imports Pride and Prejudice as 61 chapters and downloads a valid EPUB and a DOCX that LibreOffice opens', async () => {
    const user = await createConfirmedUser({ SUPABASE_URL: apiUrl, SUPABASE_SERVICE_ROLE_KEY: serviceRoleKey }, 'Jane Austen')
    const context = await browser.newContext({ locale: 'en', viewport: { width: 1280, height: 900 }, acceptDownloads: true })
    const page = await context.newPage()
    await signInThroughPage(page, appUrl, user, 'en')

    await page.getByRole('link', { name: 'Import a manuscript' }).click()
    await page.getByLabel(/^File/).setInputFiles(fixture)
    await page.getByLabel('Language of the book').selectOption('en')
    await page.getByRole('button', { name: 'Preview the chapter split' }).click()
    await page.getByText(/^61 chapters · /).waitFor()
    await page.getByLabel('Book title (optional)').fill('Pride and Prejudice')
    await page.getByRole('button', { name: 'Import 61 chapters' }).click()
    await page.waitForURL(/\/c\//)
    await expect(page.locator('.ProseMirror').innerText()).resolves.toContain('It is a truth universally acknowledged')

    await page.getByRole('link', { name: 'Export book' }).click()
    await page.getByText('No exports yet.', { exact: false }).waitFor()

    const epub = await exportAndDownload(page, 'EPUB (.epub)')
    expect(path.basename(epub)).toBe('Pride and Prejudice.epub')
    const zip = await JSZip.loadAsync(fs.readFileSync(epub))
    const chapterFiles = Object.keys(zip.files).filter((name) => /chapter.*\.xhtml$/i.test(name))
    expect(chapterFiles).toHaveLength(61)
    const checked = await run('java', ['-jar', epubcheck, epub], { timeout: 170_000 }).then(
      ({ stdout, stderr }) => stdout + stderr,
      (error: { stdout?: string; stderr?: string }) => `${error.stdout ?? ''}${error.stderr ?? ''}`,
    )
    expect(checked).toContain('No errors or warnings detected')

    const docx = await exportAndDownload(page, 'Word (.docx)')
    expect(path.basename(docx)).toBe('Pride and Prejudice.docx')
    const profile = `-env:UserInstallation=file://${path.join(dir, 'lo-profile')}`
    await run(soffice, [profile, '--headless', '--convert-to', 'txt:Text', '--outdir', dir, docx], { timeout: 170_000 })
    const text = fs.readFileSync(path.join(dir, 'Pride and Prejudice.txt'), 'utf8')
    expect(text).toContain('It is a truth universally acknowledged')
    expect(text).toContain('Chapter 61')

    // Both files are listed as past exports.
    await expect(page.getByRole('link', { name: /^Download / }).count()).resolves.toBeGreaterThanOrEqual(2)
    await context.close()
  }, 400_000)
})
