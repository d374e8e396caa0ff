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
