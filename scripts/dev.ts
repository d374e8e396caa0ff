// `npm run dev`: starts the local stack (unless SUPABASE_URL points at another Supabase,
// e.g. `supabase start` or a hosted project) and the Remix dev server with its variables.
import { spawn } from 'node:child_process'
import path from 'node:path'
import { projectRoot } from '../supabase/local/config.ts'
import { startStack, type RunningStack } from '../supabase/local/start.ts'
import { describeDrain, drainEmbeddings } from './embed-drain.ts'

let stack: RunningStack | undefined
const env: NodeJS.ProcessEnv = { ...process.env, PORT: process.env.PORT ?? '3000' }

if (process.env.SUPABASE_URL) {
  console.log(`Using the Supabase project at ${process.env.SUPABASE_URL} (SUPABASE_URL is set); the local stack is not started.`)
} else {
  stack = await startStack()
  Object.assign(env, {
    SUPABASE_URL: stack.env.API_URL,
    SUPABASE_ANON_KEY: stack.env.ANON_KEY,
    SUPABASE_SERVICE_ROLE_KEY: stack.env.SERVICE_ROLE_KEY,
    SUPABASE_DB_URL: stack.env.DB_URL,
  })
}

const remix = spawn(process.execPath, [path.join(projectRoot, 'node_modules', '@remix-run', 'dev', 'dist', 'cli.js'), 'dev'], {
  cwd: projectRoot,
  env,
  stdio: 'inherit',
})
console.log(`FlowStory: http://localhost:${env.PORT}   mailbox: ${stack?.env.MAILPIT_URL ?? '(your project’s)'}\n`)

// Housekeeping as production's nightly scheduler does it (expired trash and exports), here at
// start and every hour, in a process of its own so a failure never stops the dev server.
const PURGE_EVERY_MS = 60 * 60 * 1000
function purge() {
  spawn(process.execPath, [path.join(projectRoot, 'scripts', 'purge.ts')], { cwd: projectRoot, env, stdio: 'inherit' })
}
if (stack) {
  purge()
  setInterval(purge, PURGE_EVERY_MS).unref()
}

// The book memory: chapters saved since the last pass are embedded by the `embed` Edge
// Function (decision 017), as production's scheduled `npm run embed:drain` does. Quiet unless
// it did something.
const DRAIN_EVERY_MS = 30 * 1000
async function drainQuietly(apiUrl: string, serviceKey: string) {
  try {
    const result = await drainEmbeddings(apiUrl, serviceKey)
    if (result.claimed) console.log(describeDrain(result))
  } catch (error) {
    console.log(`Embedding queue: ${(error as Error).message}.`)
  }
}
if (stack) {
  const { API_URL, SERVICE_ROLE_KEY } = stack.env
  setInterval(() => void drainQuietly(API_URL, SERVICE_ROLE_KEY), DRAIN_EVERY_MS).unref()
}

let stopping = false
async function shutdown(code: number) {
  if (stopping) return
  stopping = true
  remix.kill('SIGTERM')
  await stack?.stop()
  process.exit(code)
}
remix.on('exit', (code) => void shutdown(code ?? 0))
process.on('SIGINT', () => void shutdown(0))
process.on('SIGTERM', () => void shutdown(0))
