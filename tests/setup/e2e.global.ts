// Browser tests: a fresh stack, the app built and served as in production, and Chromium.
import fs from 'node:fs/promises'
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
  const app = await startAppServer({ port: appPort, env: appEnv })
  project.provide('e2e', { appUrl: app.url, appEnv, mailUrl: stack.env.MAILPIT_URL, chromium, dbUrl: stack.env.DB_URL, apiUrl: stack.env.API_URL, serviceRoleKey: stack.env.SERVICE_ROLE_KEY })
  return async () => {
    await app.stop()
    await stack.stop()
    await fs.rm(stateDir, { recursive: true, force: true })
  }
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
    }
  }
}
