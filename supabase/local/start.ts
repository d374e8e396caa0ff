// Starts the local stack: Postgres on :54322, the Supabase API subset on :54321 and the
// mailbox on :54324. `startStack` is used by `npm run dev`, the tests and the benchmarks;
// running this file directly (`npm run stack:start`) keeps the stack in the foreground.
import fs from 'node:fs/promises'
import type http from 'node:http'
import path from 'node:path'
import { pathToFileURL } from 'node:url'
import postgres from 'postgres'
import { createAuthService } from './auth/service.ts'
import { stackConfigFromEnv, stackUrls, type StackConfig } from './config.ts'
import { applyBootstrap, applyMigrations, applySeed, openDatabase, serveDatabase } from './database.ts'
import { createFunctionsService } from './functions/service.ts'
import { createGateway } from './gateway.ts'
import { closeServer, serveFetch } from './http.ts'
import { loadOrCreateKeys, type StackKeys } from './keys.ts'
import { openMailbox } from './mail/mailbox.ts'
import { createMailboxServer } from './mail/server.ts'
import type { ServiceContext, StackService } from './service.ts'
import { createStorageService } from './storage/service.ts'

export type RunningStack = {
  config: StackConfig
  keys: StackKeys
  urls: ReturnType<typeof stackUrls>
  env: Record<string, string>
  stop(): Promise<void>
}

export async function startStack(config: StackConfig = stackConfigFromEnv()): Promise<RunningStack> {
  const started = performance.now()
  const urls = stackUrls(config)
  const keys = await loadOrCreateKeys(config.stateDir)
  const { db, isNew } = await openDatabase(path.join(config.stateDir, 'db'))
  const servers: http.Server[] = []
  const services: StackService[] = []
  let sql: postgres.Sql | undefined
  let dbServer: Awaited<ReturnType<typeof serveDatabase>> | undefined
  const stop = async () => {
    for (const service of services) await service.stop?.()
    for (const server of servers) await closeServer(server)
    await sql?.end({ timeout: 1 })
    await dbServer?.stop()
    await db.close()
    await fs.rm(path.join(config.stateDir, 'stack.json'), { force: true })
  }
  try {
    await applyBootstrap(db)
    if (config.applyMigrations) {
      const applied = await applyMigrations(db)
      if (isNew) await applySeed(db)
      if (applied.length && !config.quiet) console.log(`Applied migrations: ${applied.join(', ')}`)
    }
    dbServer = await serveDatabase(db, config.host, config.dbPort)
    sql = postgres(urls.dbUrl, { prepare: false, max: 4, onnotice: () => {} })
    const mailbox = await openMailbox(path.join(config.stateDir, 'mailbox.jsonl'))
    const context: ServiceContext = { config, keys, urls, sql, mailbox }
    services.push(createAuthService(context), createStorageService(context))
    if (config.serveFunctions) services.push(createFunctionsService(context))
    servers.push(await serveFetch(createGateway(services), { host: config.host, port: config.apiPort, name: 'api' }))
    servers.push(await serveFetch(createMailboxServer(mailbox), { host: config.host, port: config.mailPort, name: 'mailbox' }))
  } catch (error) {
    await stop().catch(() => {})
    throw error
  }
  const env = stackEnv(urls, keys)
  await fs.writeFile(path.join(config.stateDir, 'stack.env'), formatEnv(env), { mode: 0o600 })
  await fs.writeFile(
    path.join(config.stateDir, 'stack.json'),
    JSON.stringify({ pid: process.pid, startedAt: new Date().toISOString(), urls }),
  )
  if (!config.quiet) printBanner(env, performance.now() - started)
  return { config, keys, urls, env, stop }
}

/** The variables `supabase status -o env` prints, with the same names. */
export function stackEnv(urls: RunningStack['urls'], keys: StackKeys): Record<string, string> {
  return {
    API_URL: urls.apiUrl,
    DB_URL: urls.dbUrl,
    MAILPIT_URL: urls.mailUrl,
    INBUCKET_URL: urls.mailUrl,
    FUNCTIONS_URL: `${urls.apiUrl}/functions/v1`,
    STORAGE_URL: `${urls.apiUrl}/storage/v1`,
    JWKS_URL: `${urls.apiUrl}/auth/v1/.well-known/jwks.json`,
    PUBLISHABLE_KEY: keys.publishableKey,
    SECRET_KEY: keys.secretKey,
    ANON_KEY: keys.anonKey,
    SERVICE_ROLE_KEY: keys.serviceRoleKey,
  }
}

export function formatEnv(env: Record<string, string>): string {
  return Object.entries(env).map(([k, v]) => `${k}=${JSON.stringify(v)}`).join('\n') + '\n'
}

function printBanner(env: Record<string, string>, elapsedMs: number) {
  const rows: [string, string][] = [
    ['API URL', env.API_URL],
    ['DB URL', env.DB_URL],
    ['Mailpit URL', env.MAILPIT_URL],
    ['Functions URL', env.FUNCTIONS_URL],
    ['Publishable key', env.PUBLISHABLE_KEY],
    ['Secret key', env.SECRET_KEY],
    ['anon key', env.ANON_KEY],
    ['service_role key', env.SERVICE_ROLE_KEY],
  ]
  const width = Math.max(...rows.map(([k]) => k.length))
  console.log(`\nStarted the FlowStory local stack in ${(elapsedMs / 1000).toFixed(1)} s (stands in for \`supabase start\`).\n`)
  for (const [k, v] of rows) console.log(`${k.padStart(width)}: ${v}`)
  console.log('')
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const stack = await startStack()
  const shutdown = async () => {
    await stack.stop()
    process.exit(0)
  }
  process.on('SIGINT', shutdown)
  process.on('SIGTERM', shutdown)
}
