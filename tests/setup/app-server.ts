// Runs the built app (remix-serve, as in production) against a running stack, for browser
// tests and benchmarks.
import { spawn, type ChildProcess } from 'node:child_process'
import path from 'node:path'
import { projectRoot } from '../../supabase/local/config.ts'

/** Where tests and benchmarks build the app (see remix.config.js). */
const TEST_BUILD_DIR = '.cache/test-build'
const buildEnv = { FLOWSTORY_BUILD_DIR: TEST_BUILD_DIR }
/** remix-serve closes gracefully on SIGTERM and waits for kept-alive connections. */
const STOP_GRACE_MS = 2_000

export type AppServer = { url: string; stop(): Promise<void>; output(): string }

export async function startAppServer(options: { port: number; env: Record<string, string> }): Promise<AppServer> {
  const child: ChildProcess = spawn(
    process.execPath,
    [path.join(projectRoot, 'node_modules', '@remix-run', 'serve', 'dist', 'cli.js'), path.join(projectRoot, TEST_BUILD_DIR, 'index.js')],
    { cwd: projectRoot, env: { ...process.env, ...options.env, ...buildEnv, PORT: String(options.port), NODE_ENV: 'production' }, stdio: ['ignore', 'pipe', 'pipe'] },
  )
  let log = ''
  child.stdout?.on('data', (d) => (log += d))
  child.stderr?.on('data', (d) => (log += d))
  const url = `http://localhost:${options.port}`
  const deadline = Date.now() + 30_000
  for (;;) {
    if (child.exitCode !== null) throw new Error(`the app server exited (${child.exitCode}):\n${log}`)
    const ok = await fetch(url).then((r) => r.status < 500, () => false)
    if (ok) break
    if (Date.now() > deadline) {
      child.kill('SIGKILL')
      throw new Error(`the app server did not answer within 30 s:\n${log}`)
    }
    await new Promise((r) => setTimeout(r, 200))
  }
  return {
    url,
    output: () => log,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve()
        const force = setTimeout(() => child.kill('SIGKILL'), STOP_GRACE_MS)
        child.once('exit', () => {
          clearTimeout(force)
          resolve()
        })
        child.kill('SIGTERM')
      }),
  }
}

export async function buildApp(): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    const child = spawn(process.execPath, [path.join(projectRoot, 'node_modules', '@remix-run', 'dev', 'dist', 'cli.js'), 'build'], {
      cwd: projectRoot,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, ...buildEnv, NODE_ENV: 'production' },
    })
    let log = ''
    child.stdout.on('data', (d) => (log += d))
    child.stderr.on('data', (d) => (log += d))
    child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`remix build failed (${code}):\n${log}`))))
  })
}
