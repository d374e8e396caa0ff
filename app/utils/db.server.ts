// The only way the app queries Postgres. Work done for a user runs in one transaction that
// first takes the `authenticated` role and that user's verified JWT claims, both local to
// the transaction — exactly what PostgREST does — so Row Level Security is the boundary.
// Service-role work is explicit and rare (webhooks, jobs).
import postgres from 'postgres'
import { env } from './env.server.ts'

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
  return db().begin(async (tx) => {
    await tx`select set_config('role', 'authenticated', true), set_config('request.jwt.claims', ${JSON.stringify(claims)}, true)`
    return work(tx)
  }) as Promise<T>
}

export async function withServiceRole<T>(work: (tx: Tx) => Promise<T>): Promise<T> {
  return db().begin(async (tx) => {
    await tx`select set_config('role', 'service_role', true), set_config('request.jwt.claims', ${JSON.stringify({ role: 'service_role' })}, true)`
    return work(tx)
  }) as Promise<T>
}

export async function closeDb(): Promise<void> {
  await pool?.end({ timeout: 2 })
  pool = undefined
}
