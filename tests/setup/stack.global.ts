// Vitest global setup: one fresh local stack (new database, migrations, seed) for the whole
// run, so every test talks to the real local Supabase stand-in exactly as the app does.
import fs from 'node:fs/promises'
import type { TestProject } from 'vitest/node'
import { stackConfigFromEnv } from '../../supabase/local/config.ts'
import { startStack } from '../../supabase/local/start.ts'
import { freePort, testStackStateDir } from './test-stack.ts'

export default async function setup(project: TestProject) {
  const stateDir = testStackStateDir()
  await fs.rm(stateDir, { recursive: true, force: true })
  const ports = { apiPort: await freePort(), dbPort: await freePort(), mailPort: await freePort() }
  // The app under test (browser and app-level integration tests) listens here.
  const appPort = await freePort()
  const stack = await startStack(
    stackConfigFromEnv({ stateDir, ...ports, siteUrl: `http://localhost:${appPort}`, quiet: true }),
  )
  const env = {
    SUPABASE_URL: stack.env.API_URL,
    SUPABASE_ANON_KEY: stack.env.ANON_KEY,
    SUPABASE_SERVICE_ROLE_KEY: stack.env.SERVICE_ROLE_KEY,
    SUPABASE_DB_URL: stack.env.DB_URL,
    MAILPIT_URL: stack.env.MAILPIT_URL,
    STACK_STATE_DIR: stateDir,
    TEST_APP_PORT: String(appPort),
  }
  Object.assign(process.env, env)
  project.provide('stackEnv', env)
  return async () => {
    await stack.stop()
    await fs.rm(stateDir, { recursive: true, force: true })
  }
}

declare module 'vitest' {
  export interface ProvidedContext {
    stackEnv: Record<string, string>
  }
}
