// Runs the built app (remix-serve, as in production) against a running stack, for browser
// tests and benchmarks.
import { spawn, type ChildProcess } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import { projectRoot } from '../../supabase/local/config.ts'

/** Where tests and benchmarks build the app (see remix.config.js). */
const TEST_BUILD_DIR = '.cache/test-build'
const buildEnv = { FLOWSTORY_BUILD_DIR: TEST_BUILD_DIR }
/** remix-serve closes gracefully on SIGTERM and waits for kept-alive connections. */
const STOP_GRACE_MS = 2_000

export type AppServer = {
  url: string
  /** SIGTERM, then SIGKILL after a grace period. */
  stop(): Promise<void>
  /** SIGKILL, as a crash or an OOM kill would: no graceful close of open connections. */
  kill(): Promise<void>
  /** Starts the app again on the same port and waits until it answers. */
  restart(): Promise<void>
  output(): string
}

type AppServerOptions = {
  port: number
  env: Record<string, string>
  /** Also append everything the server prints to this file (tests scan it for secrets). */
  logFile?: string
}

export async function startAppServer(options: AppServerOptions): Promise<AppServer> {
  const url = `http://localhost:${options.port}`
  const output = { log: '' }
  let child = await spawnAppServer(options, url, output)
  const running = () => child.exitCode === null && child.signalCode === null
  const exited = (c: ChildProcess) => new Promise<void>((resolve) => (c.exitCode !== null || c.signalCode !== null ? resolve() : c.once('exit', () => resolve())))
  return {
    url,
    output: () => output.log,
    stop: async () => {
      if (!running()) return
      const current = child
      const force = setTimeout(() => current.kill('SIGKILL'), STOP_GRACE_MS)
      current.kill('SIGTERM')
      await exited(current)
      clearTimeout(force)
    },
    kill: async () => {
      child.kill('SIGKILL')
      await exited(child)
    },
    restart: async () => {
      if (running()) throw new Error('the app server is still running; kill or stop it first')
      child = await spawnAppServer(options, url, output)
    },
  }
}

/** Spawns remix-serve and resolves once it answers on the port. */
async function spawnAppServer(options: AppServerOptions, url: string, output: { log: string }): Promise<ChildProcess> {
  const child: ChildProcess = spawn(
    process.execPath,
    [path.join(projectRoot, 'node_modules', '@remix-run', 'serve', 'dist', 'cli.js'), path.join(projectRoot, TEST_BUILD_DIR, 'index.js')],
    { cwd: projectRoot, env: { ...process.env, ...options.env, ...buildEnv, PORT: String(options.port), NODE_ENV: 'production' }, stdio: ['ignore', 'pipe', 'pipe'] },
  )
  for (const stream of [child.stdout, child.stderr]) {
    stream?.on('data', (d) => {
      output.log += d
      if (options.logFile) fs.appendFileSync(options.logFile, d)
    })
  }
  const deadline = Date.now() + 30_000
  for (;;) {
    if (child.exitCode !== null) throw new Error(`the app server exited (${child.exitCode}):\n${output.log}`)
    const ok = await fetch(url).then((r) => r.status < 500, () => false)
    if (ok) return child
    if (Date.now() > deadline) {
      child.kill('SIGKILL')
      throw new Error(`the app server did not answer within 30 s:\n${output.log}`)
    }
    await new Promise((r) => setTimeout(r, 200))
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
