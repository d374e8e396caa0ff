// `npm run bench:stack`: how fast the local stack starts, how long signing in through the
// app takes, and what Row Level Security costs when listing 1,000 rows.
// Targets (issue 2): cold start ≤ 5 s, sign-in p50 ≤ 100 ms, RLS overhead ≤ 1.2×.
import { spawn } from 'node:child_process'
import fs from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import postgres from 'postgres'
import { projectRoot, stackConfigFromEnv } from '../supabase/local/config.ts'
import { startStack } from '../supabase/local/start.ts'
import { buildApp, startAppServer } from '../tests/setup/app-server.ts'
import { freePort } from '../tests/setup/test-stack.ts'
import { createBenchUser } from './bench-user.ts'
import { ms, percentile } from './stats.ts'

const results: Record<string, unknown> = {}

async function coldStart(stateDir: string): Promise<number> {
  const apiPort = await freePort()
  const env = {
    ...process.env,
    STACK_STATE_DIR: stateDir,
    STACK_API_PORT: String(apiPort),
    STACK_DB_PORT: String(await freePort()),
    STACK_MAIL_PORT: String(await freePort()),
    STACK_QUIET: '1',
  }
  const started = performance.now()
  const child = spawn(process.execPath, [path.join(projectRoot, 'supabase', 'local', 'start.ts')], { env, stdio: 'ignore' })
  try {
    for (;;) {
      const ok = await fetch(`http://127.0.0.1:${apiPort}/local/v1/health`).then((r) => r.ok, () => false)
      if (ok) return performance.now() - started
      if (child.exitCode !== null) throw new Error('the stack exited before it was ready')
      await new Promise((r) => setTimeout(r, 20))
    }
  } finally {
    await new Promise<void>((resolve) => {
      child.once('exit', () => resolve())
      child.kill('SIGTERM')
    })
  }
}

async function benchColdStart() {
  const fresh: number[] = []
  const existing: number[] = []
  for (let i = 0; i < 3; i++) {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'flowstory-bench-cold-'))
    fresh.push(await coldStart(dir))
    existing.push(await coldStart(dir))
    await fs.rm(dir, { recursive: true, force: true })
  }
  results.coldStart = { newDatabaseMs: fresh, existingDatabaseMs: existing }
  console.log(`cold start to ready, new database (initdb + bootstrap + migrations): median ${ms(percentile(fresh, 50))}  [${fresh.map(ms).join(', ')}]`)
  console.log(`cold start to ready, existing database:                             median ${ms(percentile(existing, 50))}  [${existing.map(ms).join(', ')}]`)
}

async function benchSignInAndRls() {
  const stateDir = await fs.mkdtemp(path.join(os.tmpdir(), 'flowstory-bench-'))
  const appPort = await freePort()
  const stack = await startStack(
    stackConfigFromEnv({ stateDir, apiPort: await freePort(), dbPort: await freePort(), mailPort: await freePort(), siteUrl: `http://localhost:${appPort}`, quiet: true }),
  )
  const env = { SUPABASE_URL: stack.env.API_URL, SUPABASE_ANON_KEY: stack.env.ANON_KEY, SUPABASE_DB_URL: stack.env.DB_URL }
  let app: Awaited<ReturnType<typeof startAppServer>> | undefined
  try {
    // A confirmed writer, created the way an admin would (service key).
    const user = await createBenchUser(stack, 'bench')
    const { email, password } = user

    await buildApp()
    app = await startAppServer({ port: appPort, env })
    const signIn = async () => {
      const body = new URLSearchParams({ intent: 'password', email, password, redirectTo: '/app' })
      const started = performance.now()
      const response = await fetch(`${app!.url}/login`, { method: 'POST', body, redirect: 'manual' })
      const elapsed = performance.now() - started
      if (response.status !== 302 || !response.headers.get('set-cookie')) throw new Error(`sign-in failed: ${response.status}`)
      return elapsed
    }
    for (let i = 0; i < 5; i++) await signIn()
    const samples: number[] = []
    for (let i = 0; i < 50; i++) samples.push(await signIn())
    results.signIn = { samples: samples.length, p50Ms: percentile(samples, 50), p95Ms: percentile(samples, 95) }
    console.log(`sign-in round trip through the app (POST /login → session cookies), 50 runs: p50 ${ms(percentile(samples, 50))}, p95 ${ms(percentile(samples, 95))}`)

    // RLS overhead: the same 1,000 workspaces listed as their member (RLS) and as service role.
    const sql = postgres(stack.env.DB_URL, { prepare: false, onnotice: () => {} })
    await sql.begin(async (tx) => {
      await tx`insert into public.tenants (id, name, created_by)
        select gen_random_uuid(), 'Workspace ' || n, ${user.id} from generate_series(1, 1000) n`
      await tx`insert into public.memberships (tenant_id, user_id, role)
        select id, ${user.id}, 'writer' from public.tenants where created_by = ${user.id} and not personal`
    })
    await sql.end()
    Object.assign(process.env, env)
    const { withUser, withServiceRole, closeDb } = await import('../app/utils/db.server.ts')
    const claims = { sub: user.id, role: 'authenticated', email }
    const listAsUser = () => withUser(claims, (tx) => tx`select t.id, t.name, t.plan from public.tenants t order by t.name`)
    const listAsService = () =>
      withServiceRole((tx) => tx`select t.id, t.name, t.plan from public.tenants t
        where t.id in (select tenant_id from public.memberships where user_id = ${user.id}) order by t.name`)
    const userRows = await listAsUser()
    const serviceRows = await listAsService()
    if (userRows.length !== serviceRows.length || userRows.length < 1000) {
      throw new Error(`expected the same ≥1000 rows both ways, got ${userRows.length} and ${serviceRows.length}`)
    }
    const time = async (fn: () => Promise<unknown>) => {
      const started = performance.now()
      await fn()
      return performance.now() - started
    }
    const asUser: number[] = []
    const asService: number[] = []
    for (let i = 0; i < 10; i++) await Promise.all([listAsUser(), listAsService()])
    for (let i = 0; i < 40; i++) {
      asUser.push(await time(listAsUser))
      asService.push(await time(listAsService))
    }
    await closeDb()
    const ratio = percentile(asUser, 50) / percentile(asService, 50)
    results.rls = { rows: userRows.length, withUserP50Ms: percentile(asUser, 50), withServiceRoleP50Ms: percentile(asService, 50), ratio }
    console.log(
      `listing ${userRows.length} rows: withUser p50 ${ms(percentile(asUser, 50))}, withServiceRole p50 ${ms(percentile(asService, 50))} → RLS overhead ${ratio.toFixed(2)}×`,
    )
  } finally {
    await app?.stop()
    await stack.stop()
    await fs.rm(stateDir, { recursive: true, force: true })
  }
}

await benchColdStart()
await benchSignInAndRls()
await fs.mkdir(path.join(projectRoot, 'bench-results'), { recursive: true })
await fs.writeFile(path.join(projectRoot, 'bench-results', 'stack.json'), JSON.stringify({ at: new Date().toISOString(), ...results }, null, 2))
console.log('\nFigures written to bench-results/stack.json')
