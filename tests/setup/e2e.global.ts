// Browser tests: a fresh stack, the app built and served as in production, and Chromium.
import { appendFileSync } from 'node:fs'
import fs from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { format } from 'node:util'
import type { TestProject } from 'vitest/node'
import { stackConfigFromEnv } from '../../supabase/local/config.ts'
import { startStack } from '../../supabase/local/start.ts'
import { buildApp, startAppServer } from './app-server.ts'
import { ensureChromium } from './chromium.ts'
import { freePort, testStackStateDir } from './test-stack.ts'

export default async function setup(project: TestProject) {
  const chromium = ensureChromium()
  const stateDir = `${testStackStateDir()}-e2e`
  await fs.rm(stateDir, { recursive: true, force: true })
  const appPort = await freePort()
  // What the local stack (its Edge Functions included) and the app server print, in files a
  // test can read: secrecy tests scan them for keys.
  const logsDir = await fs.mkdtemp(path.join(os.tmpdir(), 'flowstory-e2e-logs-'))
  const logs = { stack: path.join(logsDir, 'stack.log'), app: path.join(logsDir, 'app.log') }
  await fs.writeFile(logs.stack, '')
  await fs.writeFile(logs.app, '')
  const restoreConsole = teeConsole(logs.stack)
  const stack = await startStack(
    stackConfigFromEnv({
      stateDir,
      apiPort: await freePort(),
      dbPort: await freePort(),
      mailPort: await freePort(),
      siteUrl: `http://localhost:${appPort}`,
      quiet: true,
    }),
  )
  await buildApp()
  const appEnv = {
    SUPABASE_URL: stack.env.API_URL,
    SUPABASE_ANON_KEY: stack.env.ANON_KEY,
    SUPABASE_DB_URL: stack.env.DB_URL,
    // The export page purges the workspace's expired exports as the service role.
    SUPABASE_SERVICE_ROLE_KEY: stack.env.SERVICE_ROLE_KEY,
  }
  const app = await startAppServer({ port: appPort, env: appEnv, logFile: logs.app })
  project.provide('e2e', { appUrl: app.url, appEnv, mailUrl: stack.env.MAILPIT_URL, chromium, dbUrl: stack.env.DB_URL, apiUrl: stack.env.API_URL, serviceRoleKey: stack.env.SERVICE_ROLE_KEY, logs })
  return async () => {
    await app.stop()
    await stack.stop()
    restoreConsole()
    await fs.rm(stateDir, { recursive: true, force: true })
    await fs.rm(logsDir, { recursive: true, force: true })
  }
}

/** The stack logs through this process's console (functions' output included): copy it to a file too. */
function teeConsole(file: string): () => void {
  const methods = ['log', 'info', 'warn', 'error', 'debug'] as const
  const originals = methods.map((m) => console[m])
  methods.forEach((m, i) => {
    console[m] = (...args: unknown[]) => {
      appendFileSync(file, `${format(...args)}\n`)
      originals[i].apply(console, args)
    }
  })
  return () => methods.forEach((m, i) => (console[m] = originals[i]))
}

declare module 'vitest' {
  export interface ProvidedContext {
    e2e: {
      appUrl: string
      /** What an app server of its own needs (tests that kill and restart one). */
      appEnv: Record<string, string>
      mailUrl: string
      chromium: string
      dbUrl: string
      apiUrl: string
      serviceRoleKey: string
      /** Files holding the local stack's output (Edge Functions included) and the app server's. */
      logs: { stack: string; app: string }
    }
  }
}
