// The stack's Postgres: PGlite (Postgres compiled to WASM) with the extensions Supabase
// ships that FlowStory uses, persisted in the state folder and served over the wire
// protocol. Before serving, it applies the platform bootstrap, then supabase/migrations
// (recorded in the Supabase CLI's own history table), then seed.sql on a new database.
import { createHash } from 'node:crypto'
import fs from 'node:fs/promises'
import path from 'node:path'
import { PGlite } from '@electric-sql/pglite'
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm'
import { pgcrypto } from '@electric-sql/pglite/contrib/pgcrypto'
import { pgtap } from '@electric-sql/pglite-pgtap'
import { vector } from '@electric-sql/pglite-pgvector'
import { projectRoot } from './config.ts'
import { serveWireProtocol, type WireServer } from './pg-wire-server.ts'

const BOOTSTRAP_DIR = path.join(projectRoot, 'supabase', 'local', 'bootstrap')
const MIGRATIONS_DIR = path.join(projectRoot, 'supabase', 'migrations')
const SEED_FILE = path.join(projectRoot, 'supabase', 'seed.sql')

export type Database = { db: PGlite; isNew: boolean }

export async function openDatabase(dataDir: string): Promise<Database> {
  const isNew = !(await exists(path.join(dataDir, 'PG_VERSION')))
  await fs.mkdir(dataDir, { recursive: true })
  // Like Supabase's image, the server-wide default search_path includes `extensions`; a
  // session-level `set` would be lost on restart or on any client's RESET ALL, since every
  // connection shares PGlite's single backend.
  const startParams = PGlite.defaultStartParams.map((p) => (p === 'search_path=public' ? 'search_path="$user", public, extensions' : p))
  const db = await PGlite.create({ dataDir, startParams, extensions: { vector, pgtap, pgcrypto, pg_trgm } })
  return { db, isNew }
}

async function exists(file: string): Promise<boolean> {
  try {
    await fs.access(file)
    return true
  } catch {
    return false
  }
}

async function sqlFiles(dir: string): Promise<{ name: string; sql: string }[]> {
  let names: string[]
  try {
    names = (await fs.readdir(dir)).filter((n) => n.endsWith('.sql')).sort()
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return []
    throw error
  }
  return Promise.all(names.map(async (name) => ({ name, sql: await fs.readFile(path.join(dir, name), 'utf8') })))
}

/**
 * Applies the bootstrap when it changed since the last start (its files are idempotent),
 * so editing it never requires wiping a developer's data.
 */
export async function applyBootstrap(db: PGlite): Promise<void> {
  const files = await sqlFiles(BOOTSTRAP_DIR)
  const hash = createHash('sha256')
  for (const f of files) hash.update(f.name).update('\0').update(f.sql)
  const digest = hash.digest('hex')
  await db.exec(`create schema if not exists supabase_local;
    create table if not exists supabase_local.meta (key text primary key, value text not null);`)
  const current = await db.query<{ value: string }>(`select value from supabase_local.meta where key = 'bootstrap'`)
  if (current.rows[0]?.value === digest) return
  for (const file of files) {
    try {
      await db.exec(file.sql)
    } catch (error) {
      throw new Error(`bootstrap ${file.name} failed: ${(error as Error).message}. If the database predates an incompatible change, run: npm run stack:reset`)
    }
  }
  await db.query(
    `insert into supabase_local.meta (key, value) values ('bootstrap', $1)
     on conflict (key) do update set value = excluded.value`,
    [digest],
  )
}

/** Migration files are named `<version>_<name>.sql`, as the Supabase CLI names them. */
function parseMigrationName(file: string): { version: string; name: string } {
  const match = /^(\d+)_(.+)\.sql$/.exec(file)
  if (!match) throw new Error(`supabase/migrations/${file}: expected <timestamp>_<name>.sql`)
  return { version: match[1], name: match[2] }
}

export async function applyMigrations(db: PGlite): Promise<string[]> {
  // Same table and columns as the Supabase CLI keeps, so `supabase migration list` and
  // `supabase db push` agree with what the local stack applied.
  await db.exec(`create schema if not exists supabase_migrations;
    create table if not exists supabase_migrations.schema_migrations (
      version text not null primary key, statements text[], name text);`)
  const applied = new Set(
    (await db.query<{ version: string }>('select version from supabase_migrations.schema_migrations')).rows.map((r) => r.version),
  )
  const done: string[] = []
  for (const file of await sqlFiles(MIGRATIONS_DIR)) {
    const { version, name } = parseMigrationName(file.name)
    if (applied.has(version)) continue
    try {
      await db.transaction(async (tx) => {
        await tx.exec(file.sql)
        await tx.query('insert into supabase_migrations.schema_migrations (version, statements, name) values ($1, $2, $3)', [
          version,
          [file.sql],
          name,
        ])
      })
    } catch (error) {
      throw new Error(`migration ${file.name} failed: ${(error as Error).message}`)
    }
    done.push(file.name)
  }
  return done
}

export async function applySeed(db: PGlite): Promise<boolean> {
  if (!(await exists(SEED_FILE))) return false
  const sql = await fs.readFile(SEED_FILE, 'utf8')
  if (sql.trim()) await db.exec(sql)
  return true
}

export function serveDatabase(db: PGlite, host: string, port: number): Promise<WireServer> {
  return serveWireProtocol(db, host, port)
}
