// Where the local stack lives and listens. Mirrors the Supabase CLI's default ports so the
// app cannot tell it from `supabase start`; every value can be overridden from the
// environment so tests can run a second, throw-away stack beside a developer's one.
import path from 'node:path'
import { fileURLToPath } from 'node:url'

export const projectRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..')

export type StackConfig = {
  /** Folder holding the database files, keys and env file of this stack. */
  stateDir: string
  host: string
  apiPort: number
  dbPort: number
  mailPort: number
  /** The app's public URL: where emails link back to (GoTrue's SITE_URL). */
  siteUrl: string
  /** Apply supabase/migrations and seed.sql on start (off for the CLI compatibility test). */
  applyMigrations: boolean
  /** Run the Edge Functions (off when a test does not need Deno). */
  serveFunctions: boolean
  quiet: boolean
}

function intFromEnv(name: string, fallback: number): number {
  const raw = process.env[name]
  if (!raw) return fallback
  const value = Number.parseInt(raw, 10)
  if (!Number.isInteger(value) || value <= 0 || value > 65535) {
    throw new Error(`${name} must be a port number, got "${raw}"`)
  }
  return value
}

export function stackConfigFromEnv(overrides: Partial<StackConfig> = {}): StackConfig {
  return {
    stateDir: process.env.STACK_STATE_DIR ?? path.join(projectRoot, 'supabase', '.local'),
    host: '127.0.0.1',
    apiPort: intFromEnv('STACK_API_PORT', 54321),
    dbPort: intFromEnv('STACK_DB_PORT', 54322),
    mailPort: intFromEnv('STACK_MAIL_PORT', 54324),
    siteUrl: process.env.STACK_SITE_URL ?? 'http://localhost:3000',
    applyMigrations: process.env.STACK_SKIP_MIGRATIONS !== '1',
    serveFunctions: process.env.STACK_SKIP_FUNCTIONS !== '1',
    quiet: process.env.STACK_QUIET === '1',
    ...overrides,
  }
}

export function stackUrls(config: StackConfig) {
  return {
    apiUrl: `http://${config.host}:${config.apiPort}`,
    dbUrl: `postgresql://postgres:postgres@${config.host}:${config.dbPort}/postgres`,
    mailUrl: `http://${config.host}:${config.mailPort}`,
  }
}
