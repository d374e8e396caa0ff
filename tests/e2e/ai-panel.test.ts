// The editor's AI panel in the browser, against the real chat function and the fake OpenAI
// provider: an owner saves a provider with a canary key through the settings page, then runs
// every action from the chapter page — the answer streams in, Stop leaves the chapter alone,
// a rewrite is accepted and undone with Ctrl+Z, a proposal is rejected, a citation opens the
// cited chapter with the passage selected — and afterwards the canary key is nowhere: not in
// a response the browser received, the app server's or the stack's output, or any column
// outside Vault.
import { randomUUID } from 'node:crypto'
import { readFile } from 'node:fs/promises'
import { chromium, type Browser, type Page, type Route } from 'playwright-core'
import postgres from 'postgres'
import { inject, vi } from 'vitest'
import { toPlainText } from '../../app/modules/manuscript/plain-text.ts'
import type { ManuscriptDoc } from '../../app/modules/manuscript/schema.ts'
import { startFakeOpenAI, type RunningFakeOpenAI } from '../fakes/fake-openai.server.ts'
import type { ChatRequest as FakeChatRequest } from '../fakes/fake-openai.ts'
import { createConfirmedUser } from '../helpers/app-requests.ts'
import { recordResponseBodies, saveProviderThroughSettings, signInThroughPage } from '../helpers/browser.ts'
import { tablesHolding } from '../helpers/key-scan.ts'
import { CHROMIUM_ARGS } from '../setup/chromium.ts'

const { appUrl, appEnv, chromium: executablePath, apiUrl, serviceRoleKey, dbUrl, logs } = inject('e2e')
const canary = `sk-canary-${randomUUID()}`
const sql = postgres(dbUrl, { prepare: false, onnotice: () => {} })
let browser: Browser
let fake: RunningFakeOpenAI

const doc = (...paragraphs: string[]): ManuscriptDoc => ({ type: 'doc', content: paragraphs.map((text) => ({ type: 'paragraph', content: [{ type: 'text', text }] })) })
const ARRIVAL = doc(
  'Capitu chegou à casa de Bento numa tarde de chuva.',
  'Ela trazia um guarda-chuva vermelho e um segredo.',
  'Ninguém na sala percebeu o olhar que trocaram.',
)
const SECRET = doc('O guarda-chuva vermelho pertencera à mãe de Capitu, morta havia dois anos.', 'Bento só soube disso muito depois.')

const SUGGESTION = Array.from({ length: 30 }, (_, i) => `Passo${i + 1}`).join(' ') + ' FIM-DA-SUGESTÃO'
const REWRITE = 'Ela carregava, junto ao guarda-chuva rubro, um segredo.'
/** When set, the fake answers past any completion cap (the function ends with answer_too_long). */
let overlongAnswer = false
/** What the fake answers, by the task the chat function's system prompt gives. */
function reply(request: FakeChatRequest): string {
  if (overlongAnswer) return Array.from({ length: 5_000 }, (_, i) => `palavra${i}`).join(' ')
  const system = request.messages[0]?.content ?? ''
  if (system.includes('Tarefa: sugira')) return SUGGESTION
  if (system.includes('Tarefa: faça uma crítica')) return 'O **ritmo** é bom; faltam diálogos.'
  if (system.includes('Tarefa: resuma')) return 'Capitu chega com um guarda-chuva vermelho.'
  if (system.includes('Tarefa: reescreva')) return REWRITE
  if (system.includes('Tarefa: amplie')) return 'Ela trazia, encharcado, um guarda-chuva vermelho e um segredo antigo.'
  if (system.includes('Tarefa: encurte')) return 'Trazia um segredo.'
  if (system.includes('Tarefa: responda')) return 'O guarda-chuva era da mãe de Capitu [1].'
  return 'Resposta.'
}

async function chapterText(page: Page) {
  return (await page.locator('.ProseMirror').innerText()).replace(/\n+/g, '\n').trim()
}

async function waitSaved(page: Page) {
  await page.locator('[data-autosave-state="saved"]').waitFor()
}

async function selectParagraph(page: Page, text: string) {
  await page.locator('.ProseMirror p', { hasText: text }).click({ clickCount: 3 })
}

/** The text of the focused control when it is inside the AI panel (null when focus is elsewhere). */
async function focusedInPanel(page: Page): Promise<string | null> {
  return page.evaluate(() => {
    const active = document.activeElement
    return active?.closest('#ai-panel') ? (active.textContent ?? '').trim() : null
  })
}

async function runAction(page: Page, label: string) {
  await page.getByRole('button', { name: label }).first().click()
  await page.getByTestId('ai-preview').waitFor()
  await page.getByRole('button', { name: `Enviar — ${label}` }).click()
}

beforeAll(async () => {
  browser = await chromium.launch({ executablePath, args: CHROMIUM_ARGS, headless: true })
  fake = await startFakeOpenAI({ apiKeys: [canary], reply })
})
afterAll(async () => {
  await browser?.close()
  await fake?.stop()
  await sql.end()
})

describe('the AI panel in the editor', () => {
  it('opens and closes from the keyboard, and explains a cut answer, a refused key, a busy provider and an unsaved chapter without touching the chapter', async () => {
    const { owner, workspace, provider, page, context } = await openChapterWithProvider('Lygia', 'Ciranda de Pedra', 'A chegada', ARRIVAL)
    const original = await chapterText(page)

    // Keyboard: Enter on the toggle opens the panel on its first action; Escape closes it
    // and gives the focus back to the toggle.
    const toggle = page.getByRole('button', { name: 'Assistente de IA' })
    await toggle.focus()
    await page.keyboard.press('Enter')
    const panel = page.locator('#ai-panel')
    await panel.waitFor()
    await expect(page.evaluate(() => document.activeElement?.textContent)).resolves.toContain('Sugerir próximos passos')
    await page.keyboard.press('Escape')
    await panel.waitFor({ state: 'detached' })
    await expect(toggle.evaluate((el) => el === document.activeElement)).resolves.toBe(true)
    await page.keyboard.press('Enter')
    await panel.waitFor()

    // The stream is cut halfway: nothing to accept, nothing written.
    fake.fake.set({ failures: [{ kind: 'cut_stream', endpoint: 'chat', afterChunks: 3, times: 1 }] })
    await selectParagraph(page, 'Ela trazia um guarda-chuva')
    await runAction(page, 'Reescrever')
    await panel.getByText('A resposta foi interrompida. Nada foi alterado no seu capítulo.', { exact: false }).waitFor()
    expect(await panel.getByRole('button', { name: 'Aceitar' }).count()).toBe(0)
    expect(await chapterText(page)).toBe(original)

    // The provider refuses the key: the owner is sent to the settings.
    await sql`select private.store_provider_key(${provider.id}, ${'sk-wrong-' + randomUUID()}, ${owner.id})`
    await panel.getByRole('button', { name: 'Voltar às ações' }).click()
    await runAction(page, 'Sugerir próximos passos')
    await panel.getByText('O provedor recusou a chave do espaço.', { exact: false }).waitFor()
    await expect(panel.getByRole('link', { name: 'Configurações do espaço → Provedor de IA' }).getAttribute('href')).resolves.toBe(`/w/${workspace.id}/settings/ai`)

    // The provider is busy: wait as long as it said.
    await sql`select private.store_provider_key(${provider.id}, ${canary}, ${owner.id})`
    fake.fake.set({ failures: [{ kind: 'rate_limit', endpoint: 'chat', retryAfterSeconds: 7, times: 1 }] })
    await panel.getByRole('button', { name: 'Pedir de novo' }).click()
    await panel.getByTestId('ai-preview').waitFor()
    await panel.getByRole('button', { name: 'Enviar — Sugerir próximos passos' }).click()
    await panel.getByText('Espere 7 segundos', { exact: false }).waitFor()
    expect(await chapterText(page)).toBe(original)
    fake.fake.set({ failures: [] })

    // The chapter cannot be saved: the function would read an older text, so nothing is sent.
    await page.route('**/save', (route) => (route.request().method() === 'POST' ? route.abort() : route.continue()))
    const aiCalls: string[] = []
    page.on('request', (request) => {
      if (request.method() === 'POST' && new URL(request.url()).pathname.endsWith('/ai')) aiCalls.push(request.url())
    })
    await page.locator('.ProseMirror p', { hasText: 'Ninguém na sala' }).click()
    await page.keyboard.press('End')
    await page.keyboard.type(' Fim.')
    await panel.getByRole('button', { name: 'Voltar às ações' }).click()
    await panel.getByRole('button', { name: 'Sugerir próximos passos' }).click()
    await panel.getByText('Não foi possível salvar o capítulo', { exact: false }).waitFor({ timeout: 30_000 })
    expect(aiCalls).toEqual([])
    await page.unroute('**/save')
    await context.close()
  }, 120_000)

  it('runs every action with preview, streaming, Stop, proposals and citations, and never leaks the key', async () => {
    const owner = await createConfirmedUser({ SUPABASE_URL: apiUrl, SUPABASE_SERVICE_ROLE_KEY: serviceRoleKey }, 'Machado')
    const [workspace] = await sql<{ id: string }[]>`select id from public.tenants where created_by = ${owner.id} and personal`
    const [book] = await sql<{ id: string }[]>`insert into public.books (tenant_id, title, language) values (${workspace.id}, 'Dom Casmurro', 'pt-BR') returning id`
    const chapter = async (position: number, title: string, content: ManuscriptDoc) =>
      (
        await sql<{ id: string }[]>`
          insert into public.chapters (tenant_id, book_id, position, title, content, plain_text)
          values (${workspace.id}, ${book.id}, ${position}, ${title}, ${sql.json(content as never)}, ${toPlainText(content)}) returning id`
      )[0].id
    const arrivalId = await chapter(1, 'A chegada', ARRIVAL)
    const secretId = await chapter(2, 'O segredo', SECRET)

    const context = await browser.newContext({ locale: 'pt-BR', viewport: { width: 1280, height: 900 } })
    const page = await context.newPage()
    const bodies = recordResponseBodies(page)
    await signInThroughPage(page, appUrl, owner)

    // The provider, with the canary key, through the settings page.
    await saveProviderThroughSettings(page, appUrl, workspace.id, { baseUrl: fake.url, chatModel: 'gpt-4o-mini', embedModel: 'text-embedding-3-small', apiKey: canary })

    // The book's passages are embedded (as the queue would), so Ask the book can cite them.
    const token = await accessToken(owner)
    for (const chapterId of [arrivalId, secretId]) {
      const embedded = await fetch(`${apiUrl}/functions/v1/embed`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, apikey: appEnv.SUPABASE_ANON_KEY, 'content-type': 'application/json' },
        body: JSON.stringify({ chapterId }),
      })
      expect(embedded.status, await embedded.text()).toBe(200)
    }

    await page.goto(`${appUrl}/w/${workspace.id}/b/${book.id}/c/${arrivalId}`)
    await page.locator('.ProseMirror').waitFor()
    const original = await chapterText(page)
    await page.getByRole('button', { name: 'Assistente de IA' }).click()
    const panel = page.locator('#ai-panel')
    await panel.waitFor()

    // Suggest next steps: the preview, then the answer streaming in word by word.
    fake.fake.set({ latency: { betweenChunksMs: 120 } })
    await page.locator('.ProseMirror p', { hasText: 'Ninguém na sala' }).click()
    await runAction(page, 'Sugerir próximos passos')
    const answer = panel.getByTestId('ai-answer').last()
    await answer.getByText('Passo3', { exact: false }).waitFor()
    // Mid-stream: some text is there, the end is not, and Stop is offered.
    expect(await answer.innerText()).not.toContain('FIM-DA-SUGESTÃO')
    await panel.getByRole('button', { name: 'Parar' }).waitFor()
    await answer.getByText('FIM-DA-SUGESTÃO', { exact: false }).waitFor({ timeout: 20_000 })
    const usage = panel.getByTestId('ai-usage')
    await usage.waitFor()
    const suggestCall = fake.fake.calls.filter((c) => c.endpoint === 'chat').at(-1)!
    expect(await usage.innerText()).toContain(`Gastou ${suggestCall.usage!.prompt_tokens.toLocaleString('pt-BR')} tokens de entrada`)
    expect(await usage.innerText()).not.toContain('estimado')

    // Stop mid-stream: the chapter stays exactly as it was.
    await panel.getByRole('button', { name: 'Pedir de novo' }).click()
    await panel.getByTestId('ai-preview').waitFor()
    await panel.getByRole('button', { name: 'Enviar — Sugerir próximos passos' }).click()
    await answer.getByText('Passo2', { exact: false }).waitFor()
    // Stopped from the keyboard: the focus stays in the panel, on what comes next (it used to
    // fall to the top of the page when the Stop button went away).
    await panel.getByRole('button', { name: 'Parar' }).focus()
    await page.keyboard.press('Enter')
    await panel.getByText('Você parou a resposta. Nada foi alterado no capítulo.').waitFor()
    await vi.waitFor(async () => expect(await focusedInPanel(page)).toBe('Pedir de novo'))
    expect(await panel.getByTestId('ai-answer').last().innerText()).not.toContain('FIM-DA-SUGESTÃO')
    expect(await chapterText(page)).toBe(original)
    // The disconnect reached the provider through the proxy and the function.
    await vi.waitFor(() => expect(fake.fake.calls.filter((c) => c.endpoint === 'chat').at(-1)?.outcome).toBe('cancelled'), { timeout: 10_000 })
    fake.fake.set({ latency: { betweenChunksMs: 0 } })

    // Critique and Summarize; the summary is stored and shown on the next visit. Back to the
    // actions from the keyboard lands on the first action.
    await panel.getByRole('button', { name: 'Voltar às ações' }).focus()
    await page.keyboard.press('Enter')
    await vi.waitFor(async () => expect(await focusedInPanel(page)).toMatch(/^Sugerir próximos passos/))
    await runAction(page, 'Criticar')
    await panel.getByTestId('ai-usage').waitFor()
    expect(await panel.getByTestId('ai-answer').innerHTML()).toContain('<strong>ritmo</strong>')
    await panel.getByRole('button', { name: 'Voltar às ações' }).click()
    await runAction(page, 'Resumir')
    await panel.getByText('Resumo guardado. As outras ações vão usá-lo como contexto.').waitFor()
    // At once in the actions, and after a reload.
    await panel.getByRole('button', { name: 'Voltar às ações' }).click()
    await panel.getByText('Capitu chega com um guarda-chuva vermelho.').waitFor()
    await page.reload()
    await panel.waitFor()
    await panel.getByText('Resumo guardado desta versão do capítulo').waitFor()
    await panel.getByText('Capitu chega com um guarda-chuva vermelho.').waitFor()

    // Rewrite → Accept replaces exactly the selection; Ctrl+Z brings the original back.
    await selectParagraph(page, 'Ela trazia um guarda-chuva')
    await runAction(page, 'Reescrever')
    await panel.getByRole('button', { name: 'Aceitar' }).click()
    await panel.getByText('Trecho substituído.', { exact: false }).waitFor()
    expect(await chapterText(page)).toBe(original.replace('Ela trazia um guarda-chuva vermelho e um segredo.', REWRITE))
    await waitSaved(page)
    await page.locator('.ProseMirror').focus()
    await page.keyboard.press('Control+z')
    expect(await chapterText(page)).toBe(original)
    await waitSaved(page)

    // Expand → Reject, and Shorten → Reject: the chapter is untouched.
    for (const action of ['Expandir', 'Encurtar']) {
      await panel.getByRole('button', { name: 'Voltar às ações' }).click()
      await selectParagraph(page, 'Ela trazia um guarda-chuva')
      await runAction(page, action)
      await panel.getByRole('button', { name: 'Rejeitar' }).click()
      await panel.getByText('Proposta descartada.', { exact: false }).waitFor()
      expect(await chapterText(page)).toBe(original)
    }

    // Ask the book: the citation opens the cited chapter with the passage selected.
    await panel.getByRole('button', { name: 'Voltar às ações' }).click()
    await panel.getByRole('button', { name: 'Perguntar ao livro' }).click()
    await panel.getByLabel('Sua pergunta').fill('De quem era o guarda-chuva vermelho?')
    await panel.getByTestId('ai-preview').waitFor()
    await panel.getByLabel('Sua pergunta').press('Enter')
    const citation = panel.getByRole('link', { name: /^\[1\]/ }).first()
    await citation.waitFor()
    const href = (await citation.getAttribute('href'))!
    const [, citedChapter, start, end] = href.match(/\/c\/([0-9a-f-]+)\?passage=(\d+)-(\d+)$/)!
    await citation.click()
    await page.waitForURL((url) => url.pathname.endsWith(`/c/${citedChapter}`) && url.searchParams.has('passage'))
    const citedText = toPlainText(citedChapter === secretId ? SECRET : ARRIVAL).slice(Number(start), Number(end))
    await page.waitForFunction((expected) => window.getSelection()?.toString().replace(/\n+/g, '\n') === expected.replace(/\n+/g, '\n'), citedText)
    // The conversation is still there to go on with.
    await panel.getByText('De quem era o guarda-chuva vermelho?').waitFor()

    // Every action ran once; the chapter on the server is what the writer sees.
    const [saved] = await sql<{ plain_text: string }[]>`select plain_text from public.chapters where id = ${arrivalId}`
    expect(saved.plain_text).toBe(toPlainText(ARRIVAL))
    const actions = await sql<{ action: string }[]>`select distinct action from public.usage_logs where tenant_id = ${workspace.id}`
    expect(actions.map((a) => a.action).sort()).toEqual(['ask', 'critique', 'embed', 'expand', 'rewrite', 'shorten', 'suggest', 'summarize'])

    // The writer sees the spend on the usage page: one row per model with the calls and the
    // tokens the usage rows hold.
    const perModel = await sql<{ model: string; calls: number; prompt: number; completion: number }[]>`
      select model, count(*)::int as calls, sum(prompt_tokens)::int as prompt, sum(completion_tokens)::int as completion
      from public.usage_logs where tenant_id = ${workspace.id} group by model`
    expect(perModel.length).toBeGreaterThanOrEqual(1)
    await page.getByRole('link', { name: 'Uso de IA' }).click()
    await page.getByRole('heading', { name: 'Uso de IA', level: 1 }).waitFor()
    for (const row of perModel) {
      const shown = await page.getByTestId('usage-per-model').getByRole('row')
        .filter({ has: page.getByRole('rowheader', { name: row.model, exact: true }) }).innerText()
      expect(shown.replace(/\s+/g, ' ')).toMatch(new RegExp(`^${row.model} ${row.calls} ${row.prompt.toLocaleString('pt-BR').replace('.', '\\.')} ${row.completion.toLocaleString('pt-BR').replace('.', '\\.')} `))
    }
    expect(await page.getByTestId('usage-chart').locator('g[data-day] rect').count()).toBeGreaterThanOrEqual(1)

    // The canary key: nowhere but Vault.
    await page.waitForTimeout(300)
    for (const body of bodies) expect(body).not.toContain(canary)
    expect(await readFile(logs.app, 'utf8')).not.toContain(canary)
    expect(await readFile(logs.stack, 'utf8')).not.toContain(canary)
    expect(await tablesHolding(sql, canary)).toEqual([])
    await context.close()
  }, 180_000)

  it('shows each action its own selection maximum before anything is sent, why an answer cut at its cap was not offered, and previews one Ask question at a time', async () => {
    const { page, panel, context } = await openLongChapter('Clarice')
    const aiCalls: string[] = []
    page.on('request', (request) => {
      if (request.method() === 'POST' && new URL(request.url()).pathname.endsWith('/ai')) aiCalls.push(request.url())
    })
    // 7,000 characters: too long for a proposal (its answer is capped), fine for a critique.
    await selectParagraph(page, 'Longo1 ')
    await panel.getByText('O trecho tem mais de 6.000 caracteres. Selecione um trecho menor.').waitFor()
    for (const label of ['Reescrever', 'Expandir', 'Encurtar']) await expect(panel.getByRole('button', { name: label, exact: true }).isDisabled()).resolves.toBe(true)
    await expect(panel.getByRole('button', { name: /^Criticar/ }).isDisabled()).resolves.toBe(false)
    await shot(page, 'selection-too-long')
    expect(aiCalls).toEqual([])

    // The answer runs past its cap: the panel says why and what to do; nothing to accept.
    const original = await chapterText(page)
    overlongAnswer = true
    try {
      await selectParagraph(page, 'Ela trazia um guarda-chuva')
      await runAction(page, 'Encurtar')
      await panel.getByText('A resposta ficou longa demais e foi cortada. Nada foi alterado no seu capítulo. Selecione um trecho menor e tente de novo.').waitFor()
    } finally {
      overlongAnswer = false
    }
    expect(await panel.getByRole('button', { name: 'Aceitar' }).count()).toBe(0)
    expect(await chapterText(page)).toBe(original)
    await shot(page, 'answer-too-long')

    // Ask the book previews while the writer types: a new question cancels the older preview
    // request instead of letting them pile up, and the preview shown is the newer question's.
    await panel.getByRole('button', { name: 'Voltar às ações' }).click()
    await panel.getByRole('button', { name: 'Perguntar ao livro' }).click()
    const held: Route[] = []
    await page.route('**/ai', (route) => void held.push(route))
    const cancelled: string[] = []
    page.on('requestfailed', (request) => {
      if (new URL(request.url()).pathname.endsWith('/ai')) cancelled.push(JSON.parse(request.postData() ?? '{}').question)
    })
    const question = panel.getByLabel('Sua pergunta')
    await question.fill('Quem')
    await vi.waitFor(() => expect(held).toHaveLength(1), { timeout: 10_000 })
    await held[0].continue()
    await panel.getByTestId('ai-preview').waitFor()
    // The question changes: the older question's preview leaves the screen at once.
    await question.fill('Quem trazia')
    await panel.getByTestId('ai-preview').waitFor({ state: 'detached' })
    await vi.waitFor(() => expect(held).toHaveLength(2), { timeout: 10_000 })
    await question.fill('Quem trazia o guarda-chuva?')
    await vi.waitFor(() => expect(cancelled).toEqual(['Quem trazia']), { timeout: 10_000 })
    await vi.waitFor(() => expect(held).toHaveLength(3), { timeout: 10_000 })
    expect(JSON.parse(held[2].request().postData()!).question).toBe('Quem trazia o guarda-chuva?')
    await held[2].continue()
    await panel.getByTestId('ai-preview').waitFor()
    await page.unroute('**/ai')
    await context.close()
  }, 120_000)
})

/**
 * A new owner whose workspace has one book with one chapter and a provider (the fake, with the
 * canary key) stored directly; the chapter open in the editor, signed in.
 */
async function openChapterWithProvider(name: string, bookTitle: string, chapterTitle: string, content: ManuscriptDoc) {
  const owner = await createConfirmedUser({ SUPABASE_URL: apiUrl, SUPABASE_SERVICE_ROLE_KEY: serviceRoleKey }, name)
  const [workspace] = await sql<{ id: string }[]>`select id from public.tenants where created_by = ${owner.id} and personal`
  const [book] = await sql<{ id: string }[]>`insert into public.books (tenant_id, title, language) values (${workspace.id}, ${bookTitle}, 'pt-BR') returning id`
  const [chapter] = await sql<{ id: string }[]>`
    insert into public.chapters (tenant_id, book_id, position, title, content, plain_text)
    values (${workspace.id}, ${book.id}, 1, ${chapterTitle}, ${sql.json(content as never)}, ${toPlainText(content)}) returning id`
  const [provider] = await sql<{ id: string }[]>`
    insert into public.ai_providers (tenant_id, kind, base_url, chat_model, embed_model)
    values (${workspace.id}, 'openai_compatible', ${fake.url}, 'gpt-4o-mini', 'text-embedding-3-small') returning id`
  await sql`select private.store_provider_key(${provider.id}, ${canary}, ${owner.id})`
  const context = await browser.newContext({ locale: 'pt-BR', viewport: { width: 1280, height: 900 } })
  const page = await context.newPage()
  await signInThroughPage(page, appUrl, owner)
  await page.goto(`${appUrl}/w/${workspace.id}/b/${book.id}/c/${chapter.id}`)
  await page.locator('.ProseMirror').waitFor()
  return { owner, workspace, provider, page, context }
}

/** A chapter with a 7,000-character paragraph and a short one, the panel open. */
async function openLongChapter(name: string) {
  const long = Array.from({ length: 1_000 }, (_, i) => `Longo${i + 1}`).join(' ').padEnd(7_000, '.')
  const { page, context } = await openChapterWithProvider(name, 'A paixão', 'G.H.', doc(long, 'Ela trazia um guarda-chuva vermelho e um segredo.'))
  await page.getByRole('button', { name: 'Assistente de IA' }).click()
  const panel = page.locator('#ai-panel')
  await panel.waitFor()
  return { page, panel, context }
}

/** AI_PANEL_SHOTS=dir keeps screenshots of the states a writer sees, to look at. */
async function shot(page: Page, name: string) {
  if (process.env.AI_PANEL_SHOTS) await page.screenshot({ path: `${process.env.AI_PANEL_SHOTS}/${name}.png` })
}

async function accessToken(user: { email: string; password: string }): Promise<string> {
  const response = await fetch(`${apiUrl}/auth/v1/token?grant_type=password`, {
    method: 'POST',
    headers: { apikey: appEnv.SUPABASE_ANON_KEY, 'content-type': 'application/json' },
    body: JSON.stringify({ email: user.email, password: user.password }),
  })
  const body = (await response.json()) as { access_token: string }
  return body.access_token
}
