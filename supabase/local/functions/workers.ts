// One Deno process per function, started on first use and kept warm: Deno.serve inside it
// listens where DENO_SERVE_ADDRESS says (a free port on 127.0.0.1), requests are proxied to
// it and responses streamed back chunk by chunk (Server-Sent Events arrive as sent). A
// worker that exits is started again on the next request; a change under the functions
// folder retires every worker so the next request runs the new code (like the CLI's
// per_worker hot reload). Deno runs offline: npm packages come from the project's
// node_modules (`--node-modules-dir=manual`, `--cached-only`), nothing is downloaded.
import { spawn, type ChildProcess } from 'node:child_process'
import fs from 'node:fs'
import net from 'node:net'
import os from 'node:os'
import path from 'node:path'
import readline from 'node:readline'
import { projectRoot } from '../config.ts'
import { json } from '../http.ts'
import { freePort } from '../net.ts'

export type WorkerPoolOptions = {
  functionsDir: string
  denoBin: string
  /** Variables every function sees (SUPABASE_URL, keys, .env …), computed when a worker starts. */
  functionEnv: () => Record<string, string>
  log: (line: string) => void
  /** How long a worker may take to start listening. */
  bootTimeoutMs?: number
  watch?: boolean
}

type Worker = {
  name: string
  slot: Slot
  port: number
  child: ChildProcess
  exited: Promise<void>
  hasExited: boolean
  ready: Promise<void>
}

// A function's current worker, stored while it is still starting so concurrent first
// requests share one process instead of each starting their own.
type Slot = { starting: Promise<Worker> }

// Hop-by-hop headers, and those fetch computes itself.
const REQUEST_HEADERS_DROPPED = new Set(['host', 'connection', 'keep-alive', 'transfer-encoding', 'upgrade', 'content-length', 'expect', 'accept-encoding'])
const RESPONSE_HEADERS_DROPPED = new Set(['connection', 'keep-alive', 'transfer-encoding'])

export function createWorkerPool(options: WorkerPoolOptions) {
  const slots = new Map<string, Slot>()
  // Every process spawned and not yet exited, whether or not a slot still names it: stop() ends them all.
  const live = new Set<Worker>()
  let stopped = false
  const bootTimeoutMs = options.bootTimeoutMs ?? 30_000
  let watcher: fs.FSWatcher | undefined
  let reloadTimer: NodeJS.Timeout | undefined

  if (options.watch) {
    try {
      watcher = fs.watch(options.functionsDir, { recursive: true }, () => {
        clearTimeout(reloadTimer)
        reloadTimer = setTimeout(() => {
          if (slots.size === 0 && live.size === 0) return
          options.log('files changed, restarting functions on their next request')
          retireAll()
        }, 150)
      })
    } catch {
      // No recursive watching on this platform: changes need a stack restart.
    }
  }

  async function start(name: string, slot: Slot, entrypoint: string): Promise<Worker> {
    const port = await freePort()
    if (stopped) throw new Error('the functions runner has stopped')
    // --unstable-no-legacy-abort: req.signal aborts only when the client goes away (as on the
    // edge runtime), not also after every delivered response.
    const args = ['run', '--allow-net', '--allow-env', '--allow-read', '--node-modules-dir=manual', '--cached-only', '--no-prompt', '--unstable-no-legacy-abort']
    const config = [path.join(path.dirname(entrypoint), 'deno.json'), path.join(options.functionsDir, 'deno.json')].find((file) =>
      fs.existsSync(file),
    )
    if (config) args.push('--config', config)
    args.push(entrypoint)
    // Only what Deno and the function need: like the edge runtime, no host environment leaks in.
    const env = {
      ...options.functionEnv(),
      DENO_SERVE_ADDRESS: `tcp:127.0.0.1:${port}`,
      DENO_DIR: process.env.DENO_DIR ?? path.join(os.homedir(), '.cache', 'deno'),
      DENO_NO_UPDATE_CHECK: '1',
      DENO_NO_PROMPT: '1',
      NO_COLOR: '1',
      ...(process.env.TMPDIR ? { TMPDIR: process.env.TMPDIR } : {}),
    } as Record<string, string> as unknown as NodeJS.ProcessEnv
    const child = spawn(options.denoBin, args, { cwd: projectRoot, env, stdio: ['ignore', 'pipe', 'pipe'] })
    const prefix = `[functions:${name}]`
    for (const stream of [child.stdout, child.stderr]) {
      readline.createInterface({ input: stream! }).on('line', (line) => {
        if (!/^Listening on https?:\/\//.test(line)) options.log(`${prefix} ${line}`)
      })
    }
    const worker: Worker = {
      name,
      slot,
      port,
      child,
      hasExited: false,
      exited: new Promise((resolve) => {
        child.once('exit', (code, signal) => {
          markExited(worker)
          if (code !== 0 && signal !== 'SIGTERM' && signal !== 'SIGKILL') {
            options.log(`${prefix} exited (${signal ?? `code ${code}`}); it starts again on its next request`)
          }
          resolve()
        })
        child.once('error', (error) => {
          options.log(`${prefix} could not start ${options.denoBin}: ${error.message}`)
          // A process that never spawned emits no 'exit'.
          if (child.pid === undefined) {
            markExited(worker)
            resolve()
          }
        })
      }),
      ready: Promise.resolve(),
    }
    live.add(worker)
    worker.ready = waitUntilListening(worker, bootTimeoutMs)
    return worker
  }

  function markExited(worker: Worker): void {
    worker.hasExited = true
    live.delete(worker)
    if (slots.get(worker.name) === worker.slot) slots.delete(worker.name)
  }

  async function retire(worker: Worker): Promise<void> {
    if (slots.get(worker.name) === worker.slot) slots.delete(worker.name)
    if (worker.hasExited) return
    worker.child.kill('SIGTERM')
    const timer = setTimeout(() => worker.child.kill('SIGKILL'), 2000)
    await worker.exited
    clearTimeout(timer)
  }

  /** Retires every worker, including those still starting (each as soon as it has spawned). */
  function retireAll(): Promise<unknown> {
    const starting = [...slots.values()].map((slot) => slot.starting.then(retire, () => {}))
    slots.clear()
    return Promise.all([...starting, ...[...live].map(retire)])
  }

  async function workerFor(name: string, entrypoint: string): Promise<Worker> {
    for (;;) {
      const existing = slots.get(name)
      if (existing) {
        const worker = await existing.starting
        if (!worker.hasExited) return whenReady(worker)
        if (slots.get(name) === existing) slots.delete(name)
        continue
      }
      // The slot goes into the map before the first await, so concurrent callers share it.
      const fresh = {} as Slot
      fresh.starting = start(name, fresh, entrypoint)
      slots.set(name, fresh)
      fresh.starting.catch(() => {
        if (slots.get(name) === fresh) slots.delete(name)
      })
      return whenReady(await fresh.starting)
    }
  }

  async function whenReady(worker: Worker): Promise<Worker> {
    try {
      await worker.ready
    } catch (error) {
      await retire(worker)
      throw error
    }
    return worker
  }

  /** Proxies `req` to the function's worker at `pathAndQuery` and streams the answer back. */
  async function forward(name: string, entrypoint: string, req: Request, pathAndQuery: string): Promise<Response> {
    let worker: Worker
    try {
      worker = await workerFor(name, entrypoint)
    } catch (error) {
      options.log(`[functions:${name}] ${(error as Error).message}`)
      return json({ code: 'BOOT_ERROR', message: `Function "${name}" failed to start (see the local stack log)` }, 503)
    }
    const headers = new Headers()
    req.headers.forEach((value, key) => {
      if (!REQUEST_HEADERS_DROPPED.has(key)) headers.append(key, value)
    })
    // Compressed bodies would be buffered by the compressor: ask for them plain so streams stream.
    headers.set('accept-encoding', 'identity')
    const hasBody = req.method !== 'GET' && req.method !== 'HEAD'
    let upstream: Response
    try {
      upstream = await fetch(`http://127.0.0.1:${worker.port}${pathAndQuery}`, {
        method: req.method,
        headers,
        body: hasBody ? req.body : undefined,
        redirect: 'manual',
        // Node's fetch needs duplex for streamed request bodies.
        duplex: hasBody ? 'half' : undefined,
        // The caller went away (Stop): the function sees its request aborted, as on the edge runtime.
        signal: req.signal,
      })
    } catch (error) {
      // Not the worker's fault: nobody is waiting for the answer any more.
      if (req.signal.aborted) return new Response(null, { status: 499 })
      options.log(`[functions:${name}] request failed: ${(error as Error).message}`)
      // The worker died (or stopped answering): the next request gets a fresh one.
      await retire(worker)
      return json({ code: 'WORKER_ERROR', message: `Function "${name}" exited due to an error (see the local stack log)` }, 500)
    }
    const responseHeaders = new Headers()
    upstream.headers.forEach((value, key) => {
      if (!RESPONSE_HEADERS_DROPPED.has(key)) responseHeaders.append(key, value)
    })
    return new Response(upstream.body, { status: upstream.status, statusText: upstream.statusText, headers: responseHeaders })
  }

  async function stop(): Promise<void> {
    stopped = true
    watcher?.close()
    clearTimeout(reloadTimer)
    await retireAll()
  }

  return { forward, stop, running: () => [...slots.keys()] }
}

async function waitUntilListening(worker: Worker, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (Date.now() < deadline) {
    if (worker.hasExited) throw new Error('exited before it started listening (see its output above)')
    if (await canConnect(worker.port)) return
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
  throw new Error(`did not start listening within ${timeoutMs / 1000} s`)
}

function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port })
    socket.once('connect', () => {
      socket.destroy()
      resolve(true)
    })
    socket.once('error', () => resolve(false))
  })
}
