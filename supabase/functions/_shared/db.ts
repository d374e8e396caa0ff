// Postgres for functions, scoped like every FlowStory request (DESIGN decision 2): a user's
// work runs in one transaction that first does `set local role authenticated` and puts the
// verified claims in `request.jwt.claims`, so RLS decides; service-role work is explicit.
// postgres.js with prepare: false (Supavisor in production, PGlite locally), created on
// first use so importing this module never needs SUPABASE_DB_URL.
import postgres from 'postgres'
import { requiredEnv, type UserClaims } from './auth.ts'

export type Tx = postgres.TransactionSql
export type WithUser = <T>(claims: UserClaims, fn: (tx: Tx) => Promise<T>) => Promise<T>
export type WithServiceRole = <T>(fn: (tx: Tx) => Promise<T>) => Promise<T>

export type Db = { withUser: WithUser; withServiceRole: WithServiceRole; end(): Promise<void> }

export function createDb(url: string): Db {
  const sql = postgres(url, { prepare: false, max: 3, idle_timeout: 30, onnotice: () => {} })
  async function scoped<T>(role: 'authenticated' | 'service_role', claims: object, fn: (tx: Tx) => Promise<T>): Promise<T> {
    return (await sql.begin(async (tx) => {
      // The role is one of two literals above, never input.
      await tx.unsafe(`set local role ${role}`)
      await tx`select set_config('request.jwt.claims', ${JSON.stringify(claims)}, true)`
      return fn(tx)
    })) as T
  }
  return {
    withUser: (claims, fn) => scoped('authenticated', claims, fn),
    withServiceRole: (fn) => scoped('service_role', { role: 'service_role' }, fn),
    end: () => sql.end({ timeout: 1 }),
  }
}

let shared: Db | undefined

/** The function's pool on SUPABASE_DB_URL, opened on first use. */
export function dbFromEnv(): Db {
  return (shared ??= createDb(requiredEnv('SUPABASE_DB_URL')))
}
