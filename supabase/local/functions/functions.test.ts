// The functions runner: the project's real functions through /functions/v1 of the test
// stack, and a runner pointed at a temporary folder of test-only functions for what the
// real ones do not exercise (streaming, crashes, environment).
import fs from 'node:fs/promises'
import type http from 'node:http'
import os from 'node:os'
import path from 'node:path'
import { createClient } from '@supabase/supabase-js'
import postgres from 'postgres'
import { inject } from 'vitest'
import { execFile } from 'node:child_process'
import { promisify } from 'node:util'
import { freePort } from '../../../tests/setup/test-stack.ts'
import { projectRoot, stackConfigFromEnv } from '../config.ts'
import { createGateway } from '../gateway.ts'
import { closeServer, serveFetch } from '../http.ts'
import { loadOrCreateKeys } from '../keys.ts'
import { createMemoryMailbox } from '../mail/mailbox.ts'
import type { StackService } from '../service.ts'
import { createTestUser } from '../storage/test-tokens.ts'
import { createFunctionsService } from './service.ts'

const env = inject('stackEnv')
const { SUPABASE_URL, SUPABASE_ANON_KEY } = env
const sql = postgres(env.SUPABASE_DB_URL, { prepare: false, max: 2, onnotice: () => {} })

afterAll(async () => {
  await sql.end({ timeout: 1 })
})

describe('whoami through /functions/v1', () => {
  it('returns the signed-in user and only their workspaces, with their role', async () => {
    const ana = await createTestUser(sql, 'Ana')
    const bia = await createTestUser(sql, 'Bia')
    // Sign-up gave each a personal workspace; Ana also writes in Bia's.
    const personal = (userId: string) => sql<{ id: string; name: string }[]>`
      select t.id, t.name from public.tenants t join public.memberships m on m.tenant_id = t.id where m.user_id = ${userId}`
    const [anaWorkspace] = await personal(ana.id)
    const [biaWorkspace] = await personal(bia.id)
    await sql`insert into public.memberships (tenant_id, user_id, role) values (${biaWorkspace.id}, ${ana.id}, 'writer')`

    const supabase = createClient(SUPABASE_URL, SUPABASE_ANON_KEY, {
      auth: { persistSession: false, autoRefreshToken: false },
      global: { headers: { Authorization: `Bearer ${ana.accessToken}` } },
    })
    const { data, error } = await supabase.functions.invoke('whoami', { method: 'GET' })
    expect(error).toBeNull()
    expect(data.user_id).toBe(ana.id)
    expect(data.email).toBe(ana.email)
    expect(data.workspaces).toHaveLength(2)
    expect(data.workspaces).toEqual(
      expect.arrayContaining([
        { id: anaWorkspace.id, name: anaWorkspace.name, role: 'owner' },
        { id: biaWorkspace.id, name: biaWorkspace.name, role: 'writer' },
      ]),
    )
  })

  it('answers 401 as JSON when the JWT is missing or invalid, before the function runs', async () => {
    const missing = await fetch(`${SUPABASE_URL}/functions/v1/whoami`, { headers: { apikey: SUPABASE_ANON_KEY } })
    expect(missing.status).toBe(401)
    expect((await missing.json()).msg).toContain('Missing authorization header')
    const forged = await fetch(`${SUPABASE_URL}/functions/v1/whoami`, { headers: { authorization: 'Bearer eyJhbGciOiJFUzI1NiJ9.e30.AAAA' } })
    expect(forged.status).toBe(401)
    expect(await forged.json()).toEqual({ msg: 'Invalid JWT' })
  })

  it('lets the anon key through the gateway but not past whoami, which needs a user', async () => {
    const response = await fetch(`${SUPABASE_URL}/functions/v1/whoami`, { headers: { authorization: `Bearer ${SUPABASE_ANON_KEY}` } })
    expect(response.status).toBe(401)
    expect((await response.json()).code).toBe('not_a_user')
  })

  it('answers 404 naming a function that does not exist', async () => {
    const response = await fetch(`${SUPABASE_URL}/functions/v1/no-such-function`, { headers: { authorization: `Bearer ${SUPABASE_ANON_KEY}` } })
    expect(response.status).toBe(404)
    expect((await response.json()).message).toContain('"no-such-function"')
    expect((await fetch(`${SUPABASE_URL}/functions/v1/_shared`)).status).toBe(404)
  })
})

// Test-only functions, in a temporary folder the runner is pointed at.
const TEST_FUNCTIONS: Record<string, string> = {
  // Sends three SSE events, each only after the client asked for the next one through
  // /stream/next: a proxy that buffered the response would never deliver the first.
  'stream/index.ts': `
    let release: (() => void) | null = null
    Deno.serve((req) => {
      if (new URL(req.url).pathname === '/stream/next') {
        release?.()
        return new Response('released')
      }
      const encoder = new TextEncoder()
      const body = new ReadableStream({
        async start(controller) {
          for (let i = 1; i <= 3; i++) {
            controller.enqueue(encoder.encode('data: token ' + i + '\\n\\n'))
            if (i < 3) await new Promise<void>((resolve) => { release = resolve })
          }
          controller.close()
        },
      })
      return new Response(body, { headers: { 'content-type': 'text/event-stream' } })
    })`,
  // Records whether it learnt that its caller went away: while still deciding what to answer
  // (before any header was sent), or while streaming (the client stopped reading).
  'hangup/index.ts': `
    const seen: Record<string, string> = {}
    Deno.serve((req) => {
      const url = new URL(req.url)
      const id = url.searchParams.get('id') ?? ''
      if (url.pathname === '/hangup/seen') return Response.json({ seen: seen[id] ?? null })
      if (url.pathname === '/hangup/before-headers') {
        seen[id] = 'waiting'
        return new Promise<Response>((resolve) => {
          req.signal.addEventListener('abort', () => {
            seen[id] = 'aborted before headers'
            resolve(new Response('too late'))
          })
        })
      }
      const encoder = new TextEncoder()
      let timer: number | undefined
      const body = new ReadableStream({
        start(controller) {
          controller.enqueue(encoder.encode('data: first\\n\\n'))
          timer = setInterval(() => controller.enqueue(encoder.encode(': ping\\n\\n')), 50)
        },
        cancel() {
          clearInterval(timer)
          seen[id] = 'stream cancelled'
        },
      })
      return new Response(body, { headers: { 'content-type': 'text/event-stream' } })
    })`,
  'crash/index.ts': `
    Deno.serve((req) => {
      if (new URL(req.url).pathname === '/crash/die') Deno.exit(1)
      return new Response(String(Deno.pid))
    })`,
  'echo/index.ts': `
    Deno.serve(async (req) => {
      const url = new URL(req.url)
      const names = ['SUPABASE_URL', 'SUPABASE_ANON_KEY', 'SUPABASE_SERVICE_ROLE_KEY', 'SUPABASE_DB_URL', 'SUPABASE_JWKS', 'MY_SETTING', 'HOME']
      return Response.json({
        path: url.pathname + url.search,
        method: req.method,
        body: await req.text(),
        env: Object.fromEntries(names.map((name) => [name, Deno.env.get(name) ?? null])),
      })
    })`,
  'pid/index.ts': `Deno.serve(() => new Response(String(Deno.pid)))`,
  'broken/index.ts': `throw new Error('this function cannot start')`,
  '.env': 'MY_SETTING="from .env"\nSUPABASE_URL=http://evil.example\n',
}

describe('the functions runner', () => {
  let dir: string
  let service: StackService
  let server: http.Server
  let sqlForContext: postgres.Sql
  let base: string

  beforeAll(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'flowstory-functions-'))
    for (const [file, source] of Object.entries(TEST_FUNCTIONS)) {
      await fs.mkdir(path.dirname(path.join(dir, file)), { recursive: true })
      await fs.writeFile(path.join(dir, file), source)
    }
    await fs.writeFile(path.join(dir, 'config.toml'), '[functions.stream]\nverify_jwt = false\n\n[functions.hangup]\nverify_jwt = false\n\n[functions.crash]\nverify_jwt = false\n\n[functions.pid]\nverify_jwt = false\n')
    sqlForContext = postgres(env.SUPABASE_DB_URL, { prepare: false, max: 1 })
    service = await createRunner()
    const port = await freePort()
    server = await serveFetch(createGateway([service]), { host: '127.0.0.1', port, name: 'functions-test' })
    base = `http://127.0.0.1:${port}/functions/v1`
  })

  async function createRunner(): Promise<StackService> {
    const stateDir = env.STACK_STATE_DIR
    return createFunctionsService(
      {
        config: stackConfigFromEnv({ stateDir, quiet: true }),
        keys: await loadOrCreateKeys(stateDir),
        urls: { apiUrl: SUPABASE_URL, dbUrl: env.SUPABASE_DB_URL, mailUrl: env.MAILPIT_URL },
        sql: sqlForContext,
        mailbox: createMemoryMailbox(),
      },
      { functionsDir: dir, configFile: path.join(dir, 'config.toml'), watch: false },
    )
  }

  afterAll(async () => {
    await service.stop?.()
    await closeServer(server)
    await sqlForContext.end({ timeout: 1 })
    await fs.rm(dir, { recursive: true, force: true })
  })

  it('streams Server-Sent Events through as they are sent, without buffering', async () => {
    const response = await fetch(`${base}/stream`)
    expect(response.headers.get('content-type')).toBe('text/event-stream')
    const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader()
    const received: string[] = []
    for (let event = 1; event <= 3; event++) {
      let text = ''
      while (!text.includes('\n\n')) {
        const { value, done } = await reader.read()
        if (done) break
        text += value
      }
      received.push(text.trim())
      if (event < 3) expect(await (await fetch(`${base}/stream/next`)).text()).toBe('released')
    }
    expect(received).toEqual(['data: token 1', 'data: token 2', 'data: token 3'])
  })

  it('tells the function when its caller goes away (Stop): before the answer started and while it streams', async () => {
    const seen = async (id: string) => (await (await fetch(`${base}/hangup/seen?id=${id}`)).json()).seen
    const early = new AbortController()
    const waiting = fetch(`${base}/hangup/before-headers?id=early`, { signal: early.signal }).catch((error: Error) => error.name)
    await expect.poll(() => seen('early'), { timeout: 10_000 }).toBe('waiting')
    early.abort()
    expect(await waiting).toBe('AbortError')
    await expect.poll(() => seen('early'), { timeout: 5_000 }).toBe('aborted before headers')

    const late = new AbortController()
    const response = await fetch(`${base}/hangup/stream?id=late`, { signal: late.signal })
    const reader = response.body!.getReader()
    expect(new TextDecoder().decode((await reader.read()).value)).toContain('data: first')
    late.abort()
    await expect.poll(() => seen('late'), { timeout: 5_000 }).toBe('stream cancelled')
    // The worker stays up for the next request.
    expect(await seen('late')).toBe('stream cancelled')
  })

  it('keeps a worker warm, and starts a new one after it crashed', async () => {
    const first = await (await fetch(`${base}/crash`)).text()
    expect(await (await fetch(`${base}/crash`)).text()).toBe(first)
    const crashed = await fetch(`${base}/crash/die`)
    expect(crashed.status).toBe(500)
    expect((await crashed.json()).code).toBe('WORKER_ERROR')
    const restarted = await (await fetch(`${base}/crash`)).text()
    expect(restarted).toMatch(/^\d+$/)
    expect(restarted).not.toBe(first)
  })

  it('gives a function the CLI variables and .env, its own path, and the request body', async () => {
    const keys = await loadOrCreateKeys(env.STACK_STATE_DIR)
    const response = await fetch(`${base}/echo/sub/path?x=1`, {
      method: 'POST',
      headers: { authorization: `Bearer ${SUPABASE_ANON_KEY}`, 'content-type': 'text/plain' },
      body: 'hello',
    })
    expect(response.status).toBe(200)
    const echoed = await response.json()
    expect(echoed).toMatchObject({ path: '/echo/sub/path?x=1', method: 'POST', body: 'hello' })
    expect(echoed.env).toEqual({
      SUPABASE_URL,
      SUPABASE_ANON_KEY,
      SUPABASE_SERVICE_ROLE_KEY: env.SUPABASE_SERVICE_ROLE_KEY,
      SUPABASE_DB_URL: env.SUPABASE_DB_URL,
      SUPABASE_JWKS: JSON.stringify({ keys: [keys.publicJwk] }),
      MY_SETTING: 'from .env',
      HOME: null,
    })
  })

  it('verifies the JWT unless config.toml turns it off for that function', async () => {
    expect((await fetch(`${base}/echo`)).status).toBe(401)
    expect((await fetch(`${base}/crash`)).status).toBe(200)
  })

  it('answers 503 BOOT_ERROR when a function cannot start', async () => {
    const response = await fetch(`${base}/broken`, { headers: { authorization: `Bearer ${SUPABASE_ANON_KEY}` } })
    expect(response.status).toBe(503)
    expect((await response.json()).code).toBe('BOOT_ERROR')
  })

  it('starts one worker for concurrent first requests to a function', async () => {
    const runner = await createRunner()
    const before = await denoChildren()
    try {
      const responses = await Promise.all([1, 2, 3].map(() => runner.handle(new Request(`${SUPABASE_URL}/functions/v1/pid`))))
      const pids = await Promise.all(responses.map((response) => response.text()))
      expect(new Set(pids).size).toBe(1)
      expect((await denoChildren()).filter((pid) => !before.includes(pid))).toEqual([Number(pids[0])])
    } finally {
      await runner.stop?.()
    }
  })

  it('stops workers that are still starting when the stack stops', async () => {
    const runner = await createRunner()
    const before = await denoChildren()
    const calls = [1, 2, 3].map(() => runner.handle(new Request(`${SUPABASE_URL}/functions/v1/pid`)))
    while ((await denoChildren()).every((pid) => before.includes(pid))) await new Promise((resolve) => setTimeout(resolve, 10))
    await runner.stop?.()
    await Promise.allSettled(calls)
    expect((await denoChildren()).filter((pid) => !before.includes(pid))).toEqual([])
  })

  it('stops every worker when the stack stops', async () => {
    await fetch(`${base}/crash`)
    const pid = Number(await (await fetch(`${base}/crash`)).text())
    await service.stop?.()
    expect(() => process.kill(pid, 0)).toThrow()
  })
})

/** The Deno processes this test process has started and not yet reaped. */
async function denoChildren(): Promise<number[]> {
  const { stdout } = await promisify(execFile)('ps', ['-o', 'pid=,comm=', '--ppid', String(process.pid)]).catch(
    (error: { stdout?: string }) => ({ stdout: error.stdout ?? '' }),
  )
  return stdout
    .split('\n')
    .map((line) => line.trim().split(/\s+/))
    .filter(([pid, command]) => pid && command === 'deno')
    .map(([pid]) => Number(pid))
}

describe('supabase/functions/deno.json', () => {
  it('pins the npm packages at the versions installed in node_modules', async () => {
    const deno = JSON.parse(await fs.readFile(path.join(projectRoot, 'supabase', 'functions', 'deno.json'), 'utf8'))
    expect(deno.nodeModulesDir).toBe('manual')
    for (const [name, specifier] of Object.entries<string>(deno.imports)) {
      const match = /^npm:(@?[^@]+)@(.+)$/.exec(specifier)
      expect(match, specifier).not.toBeNull()
      expect(match![1]).toBe(name)
      const installed = JSON.parse(await fs.readFile(path.join(projectRoot, 'node_modules', name, 'package.json'), 'utf8'))
      expect(installed.version, name).toBe(match![2])
    }
  })
})
