// The only way the app queries Postgres. Work done for a user runs in one transaction that
// first takes the `authenticated` role and that user's verified JWT claims, both local to
// the transaction — exactly what PostgREST does — so Row Level Security is the boundary.
// Service-role work is explicit and rare (webhooks, jobs).
import postgres from 'postgres'
import { env } from './env.server.ts'
import type { MessageKey } from './i18n.ts'

export type Tx = postgres.TransactionSql

/** Claims from a verified access token (supabase.auth.getClaims()), never from getSession(). */
export type VerifiedClaims = {
  sub: string
  role: string
  email?: string
  [claim: string]: unknown
}

let pool: postgres.Sql | undefined

function db(): postgres.Sql {
  pool ??= postgres(env().SUPABASE_DB_URL, {
    prepare: false,
    max: env().DB_POOL_MAX,
    onnotice: () => {},
    connection: { application_name: 'flowstory-app' },
  })
  return pool
}

export async function withUser<T>(claims: VerifiedClaims, work: (tx: Tx) => Promise<T>): Promise<T> {
  return scoped('authenticated', claims, work)
}

export async function withServiceRole<T>(work: (tx: Tx) => Promise<T>): Promise<T> {
  return scoped('service_role', { role: 'service_role' }, work)
}

async function scoped<T>(role: 'authenticated' | 'service_role', claims: object, work: (tx: Tx) => Promise<T>): Promise<T> {
  try {
    return (await db().begin(async (tx) => {
      await tx`select set_config('role', ${role}, true), set_config('request.jwt.claims', ${JSON.stringify(claims)}, true)`
      return work(tx)
    })) as T
  } catch (error) {
    throw refusalAsResponse(error) ?? error
  }
}

/**
 * What the database refused because of the request (a rule, a missing row, a malformed
 * value, a permission) becomes an HTTP answer with a catalogue key, never a 500. The
 * transaction has already rolled back, so nothing is half-written.
 */
const REFUSALS: Record<string, { status: number; message: MessageKey }> = {
  '23514': { status: 400, message: 'validation.invalidForm' }, // check_violation
  '22P02': { status: 400, message: 'error.badRequest.body' }, // invalid_text_representation
  '22023': { status: 400, message: 'validation.invalidForm' }, // invalid_parameter_value
  '23505': { status: 409, message: 'error.conflict.body' }, // unique_violation
  '23503': { status: 409, message: 'error.conflict.body' }, // foreign_key_violation
  P0001: { status: 409, message: 'error.conflict.body' }, // a rule raised by a trigger
  '42501': { status: 403, message: 'workspace.error.forbidden' }, // insufficient_privilege / RLS
}

function refusalAsResponse(error: unknown): Response | null {
  if (!(error instanceof postgres.PostgresError)) return null
  const refusal = REFUSALS[error.code]
  if (!refusal) return null
  return Response.json({ error: refusal.message }, { status: refusal.status })
}

export async function closeDb(): Promise<void> {
  await pool?.end({ timeout: 2 })
  pool = undefined
}
