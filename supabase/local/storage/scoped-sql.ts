// Every statement on storage.objects and storage.buckets runs in a transaction scoped to
// whoever it acts for, exactly like storage-api: `set local role` plus the caller's claims
// in `request.jwt.claims`, so the project's RLS policies decide. Nothing is set at session
// level: PGlite has one backend shared by every connection.
import type postgres from 'postgres'
import type { Caller } from './caller.ts'
import { fromPostgresError } from './errors.ts'

export type Tx = postgres.TransactionSql

/** Runs `fn` in one transaction as some principal; throws storage-api's error on failure. */
export type Scope = <T>(fn: (tx: Tx) => Promise<T>) => Promise<T>

export function callerScope(sql: postgres.Sql, caller: Caller): Scope {
  return async (fn) => {
    try {
      return (await sql.begin(async (tx) => {
        // The role comes from a closed list (see caller.ts), never from raw input.
        await tx.unsafe(`set local role ${caller.role}`)
        await tx`select set_config('request.jwt.claims', ${JSON.stringify(caller.claims)}, true)`
        return fn(tx)
      })) as Awaited<ReturnType<typeof fn>>
    } catch (error) {
      throw fromPostgresError(error)
    }
  }
}

/** storage-api's `asSuperUser()`: reads that must not depend on the caller (limits, public objects). */
export function superuserScope(sql: postgres.Sql): Scope {
  return async (fn) => {
    try {
      return (await sql.begin((tx) => fn(tx))) as Awaited<ReturnType<typeof fn>>
    } catch (error) {
      throw fromPostgresError(error)
    }
  }
}

const ROLLBACK = Symbol('rollback')

/**
 * Runs a write as the principal and rolls it back: storage-api's `testPermission`, which
 * asks RLS before a single byte of the upload is read.
 */
export async function testPermission(scope: Scope, fn: (tx: Tx) => Promise<unknown>): Promise<void> {
  try {
    await scope(async (tx) => {
      await fn(tx)
      throw ROLLBACK
    })
  } catch (error) {
    if (error !== ROLLBACK) throw error
  }
}
