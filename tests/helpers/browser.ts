// Browser-test steps every journey starts with, done the way a writer does them.
import type { Page } from 'playwright-core'

const LOGIN_LABELS = {
  'pt-BR': { email: 'E-mail', password: 'Senha', submit: 'Entrar' },
  en: { email: 'Email', password: 'Password', submit: 'Sign in' },
} as const

/** Signs in through the login page (in the page's language) and waits for the workspace. */
export async function signInThroughPage(
  page: Page,
  appUrl: string,
  user: { email: string; password: string },
  locale: keyof typeof LOGIN_LABELS = 'pt-BR',
): Promise<void> {
  const labels = LOGIN_LABELS[locale]
  await page.goto(`${appUrl}/login`)
  await page.getByLabel(labels.email).first().fill(user.email)
  await page.getByLabel(labels.password).fill(user.password)
  await page.getByRole('button', { name: labels.submit, exact: true }).click()
  await page.waitForURL(/\/w\//)
}

/**
 * Collects the body of every response the page receives from now on, so a test can check that
 * a secret never reached the browser. With `headers`, each response's address and headers too.
 */
export function recordResponseBodies(page: Page, options: { headers?: boolean } = {}): string[] {
  const bodies: string[] = []
  page.on('response', async (response) => {
    if (options.headers) bodies.push(`${response.url()}\n${JSON.stringify(await response.allHeaders())}`)
    try {
      bodies.push(await response.text())
    } catch {
      // Redirects and streams the page stopped reading have no body to read.
    }
  })
  return bodies
}

/**
 * Saves an OpenAI-compatible provider through the workspace's AI settings page (pt-BR), as an
 * owner does, and waits until the page shows the key as stored.
 */
export async function saveProviderThroughSettings(
  page: Page,
  appUrl: string,
  workspaceId: string,
  provider: { baseUrl: string; chatModel: string; embedModel: string; apiKey: string },
): Promise<void> {
  await page.goto(`${appUrl}/w/${workspaceId}/settings/ai`)
  await page.locator('select[name=kind]').selectOption('openai_compatible')
  await page.locator('input[name=baseUrl]').fill(provider.baseUrl)
  await page.locator('input[name=chatModel]').fill(provider.chatModel)
  await page.locator('input[name=embedModel]').fill(provider.embedModel)
  await page.locator('input[name=apiKey]').fill(provider.apiKey)
  await page.getByRole('button', { name: 'Salvar provedor' }).click()
  await page.getByText('Chave guardada: •••• ' + provider.apiKey.slice(-4), { exact: true }).waitFor()
}

/** From the empty workspace's home (pt-BR), creates a book and waits for its first chapter. */
export async function createFirstBook(page: Page, title: string): Promise<void> {
  await page.getByLabel('Título').fill(title)
  await page.getByRole('button', { name: 'Criar livro' }).click()
  await page.waitForURL(/\/c\//)
}
