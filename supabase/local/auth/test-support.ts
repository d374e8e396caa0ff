// Shared by the auth stand-in's tests: supabase-js clients configured as the app's server
// code configures them, the captured mail through the Mailpit API, and direct SQL for the
// few things a test must arrange that no API offers (making a link old, adding a trigger).
import { randomUUID } from 'node:crypto'
import { createClient, type SupabaseClient } from '@supabase/supabase-js'
import postgres from 'postgres'
import { inject } from 'vitest'

export const env = inject('stackEnv')
export const SUPABASE_URL = env.SUPABASE_URL
export const APP_URL = `http://localhost:${env.TEST_APP_PORT}`

export function anonClient(options: { flowType?: 'implicit' | 'pkce' } = {}): SupabaseClient {
  return createClient(env.SUPABASE_URL, env.SUPABASE_ANON_KEY, {
    auth: { persistSession: false, autoRefreshToken: false, detectSessionInUrl: false, flowType: options.flowType ?? 'implicit' },
  })
}

export function serviceClient(): SupabaseClient {
  return createClient(env.SUPABASE_URL, env.SUPABASE_SERVICE_ROLE_KEY, {
    auth: { persistSession: false, autoRefreshToken: false, detectSessionInUrl: false },
  })
}

export const uniqueEmail = (label = 'writer') => `${label}-${randomUUID()}@example.com`

export const PASSWORD = 'correct horse battery'

let sqlClient: postgres.Sql | undefined
/** The stack's database as the superuser; only for arranging what no API can. */
export function db(): postgres.Sql {
  sqlClient ??= postgres(env.SUPABASE_DB_URL, { prepare: false, max: 1, onnotice: () => {} })
  return sqlClient
}

afterAll(async () => {
  await sqlClient?.end({ timeout: 1 })
  sqlClient = undefined
})

/** Moves a user's *_sent_at timestamp into the past, as if the email had been sent long ago. */
export async function ageEmail(email: string, column: 'confirmation_sent_at' | 'recovery_sent_at' | 'email_change_sent_at', seconds: number) {
  await inTransaction((tx) => tx.unsafe(`update auth.users set ${column} = ${column} - make_interval(secs => $2) where email = $1`, [email, seconds]))
}

/**
 * Runs SQL in a transaction: the stack's pglite-socket can interleave the statements of
 * concurrent connections outside one (see auth/context.ts).
 */
export async function inTransaction<T>(work: (tx: postgres.TransactionSql) => Promise<T>): Promise<T> {
  return (await db().begin(work)) as T
}

export type MailSummary = { ID: string; Subject: string; To: { Address: string }[]; Created: string; Snippet: string }
export type MailMessage = { ID: string; Subject: string; To: { Address: string }[]; From: { Name: string; Address: string }; Text: string; HTML: string; Date: string }

export async function mailsTo(address: string): Promise<MailSummary[]> {
  const response = await fetch(`${env.MAILPIT_URL}/api/v1/search?query=${encodeURIComponent(`to:${address}`)}`)
  if (!response.ok) throw new Error(`Mailpit search failed: ${response.status}`)
  const body = (await response.json()) as { messages: MailSummary[] }
  return body.messages.filter((m) => m.To.some((to) => to.Address.toLowerCase() === address.toLowerCase()))
}

/** The newest email to `address` (delivered before the API call that sent it answered). */
export async function latestMailTo(address: string): Promise<MailMessage> {
  const [summary] = await mailsTo(address)
  if (!summary) throw new Error(`no email to ${address}`)
  const response = await fetch(`${env.MAILPIT_URL}/api/v1/message/${summary.ID}`)
  return (await response.json()) as MailMessage
}

/** The app link in an email: `${SiteURL}/auth/confirm?token_hash=…&type=…`. */
export function confirmLink(mail: MailMessage): { url: URL; tokenHash: string; type: string } {
  const match = /href="([^"]*\/auth\/confirm\?[^"]*)"/.exec(mail.HTML)
  if (!match) throw new Error(`no /auth/confirm link in "${mail.Subject}"`)
  const url = new URL(match[1].replaceAll('&amp;', '&'))
  return { url, tokenHash: url.searchParams.get('token_hash') ?? '', type: url.searchParams.get('type') ?? '' }
}

/** The OTP code shown in an email. */
export function otpCode(mail: MailMessage): string {
  const match = /^(\d{6})$/m.exec(mail.Text)
  if (!match) throw new Error(`no code in "${mail.Subject}"`)
  return match[1]
}

/** A confirmed user made through the admin API, ready to sign in with PASSWORD. */
export async function confirmedUser(options: { email?: string; data?: Record<string, unknown> } = {}) {
  const email = options.email ?? uniqueEmail()
  const { data, error } = await serviceClient().auth.admin.createUser({
    email,
    password: PASSWORD,
    email_confirm: true,
    user_metadata: options.data ?? {},
  })
  if (error || !data.user) throw error ?? new Error('createUser returned no user')
  return { email, user: data.user }
}

/** A raw call to /auth/v1 with the anon key, for what supabase-js would not send. */
export function authFetch(path: string, init: RequestInit & { apiVersion?: boolean } = {}) {
  const headers = new Headers(init.headers)
  if (!headers.has('apikey')) headers.set('apikey', env.SUPABASE_ANON_KEY)
  if (init.apiVersion !== false && !headers.has('x-supabase-api-version')) headers.set('x-supabase-api-version', '2024-01-01')
  if (init.body !== undefined && !headers.has('content-type')) headers.set('content-type', 'application/json')
  return fetch(`${env.SUPABASE_URL}/auth/v1${path}`, { ...init, headers, redirect: 'manual' })
}
