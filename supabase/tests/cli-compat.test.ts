// Our migrations must deploy with the real Supabase CLI (`supabase db push`), not only with
// the local stack's own migrator. This starts a second, empty stack (platform bootstrap
// only), pushes supabase/migrations to it with the CLI from node_modules, and checks that
// the CLI's history and the resulting schema match what the test stack built.
import { execFile } from 'node:child_process'
import fs from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import postgres from 'postgres'
import { inject } from 'vitest'
import { projectRoot, stackConfigFromEnv } from '../local/config.ts'
import { startStack, type RunningStack } from '../local/start.ts'
import { freePort } from '../../tests/setup/test-stack.ts'

const MIGRATIONS_DIR = path.join(projectRoot, 'supabase', 'migrations')
const PROJECT_SUPABASE_DIR = path.join(projectRoot, 'supabase')
const SUPABASE_CLI = path.join(projectRoot, 'node_modules', '.bin', 'supabase')

type CliRun = { code: number; output: string }

function runCli(args: string[], options: { cwd: string; home: string }): Promise<CliRun> {
  return new Promise((resolve) => {
    execFile(
      SUPABASE_CLI,
      args,
      {
        cwd: options.cwd,
        // A throw-away HOME keeps the CLI's profile, telemetry and traces out of the user's.
        env: { ...process.env, HOME: options.home, DO_NOT_TRACK: '1' },
        timeout: 120_000,
      },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0
        resolve({ code, output: `${stdout}${stderr}${error && typeof error.code !== 'number' ? `\n${error.message}` : ''}` })
      },
    )
  })
}

/** Everything a migration defines in public and private, in a comparable form. */
async function schemaFingerprint(sql: postgres.Sql): Promise<Record<string, string[]>> {
  const rows = async (query: string) => (await sql.unsafe<{ item: string }[]>(query)).map((r) => r.item)
  return {
    columns: await rows(`
      select format('%s.%s.%s %s null=%s default=%s', table_schema, table_name, column_name, data_type, is_nullable, column_default) as item
      from information_schema.columns where table_schema in ('public', 'private') order by 1`),
    constraints: await rows(`
      select format('%s %s %s', conrelid::regclass, conname, pg_get_constraintdef(c.oid)) as item
      from pg_constraint c join pg_namespace n on n.oid = c.connamespace
      where n.nspname in ('public', 'private') order by 1`),
    indexes: await rows(`select indexdef as item from pg_indexes where schemaname in ('public', 'private') order by 1`),
    policies: await rows(`
      select format('%s.%s %s %s to %s using (%s) check (%s)', schemaname, tablename, policyname, cmd, roles, qual, with_check) as item
      from pg_policies where schemaname in ('public', 'private') order by 1`),
    functions: await rows(`
      select format('%s definer=%s config=%s acl=%s body=%s', p.oid::regprocedure, p.prosecdef, p.proconfig, p.proacl, md5(p.prosrc)) as item
      from pg_proc p join pg_namespace n on n.oid = p.pronamespace
      where n.nspname in ('public', 'private') order by 1`),
    triggers: await rows(`
      select format('%s %s', tgrelid::regclass, pg_get_triggerdef(t.oid)) as item
      from pg_trigger t join pg_class c on c.oid = t.tgrelid join pg_namespace n on n.oid = c.relnamespace
      where not t.tgisinternal and n.nspname in ('public', 'private', 'auth') order by 1`),
    tablePrivileges: await rows(`
      select format('%s.%s %s %s', table_schema, table_name, grantee, privilege_type) as item
      from information_schema.role_table_grants
      where table_schema in ('public', 'private') and grantee in ('anon', 'authenticated', 'service_role', 'PUBLIC') order by 1`),
    columnPrivileges: await rows(`
      select format('%s.%s.%s %s %s', table_schema, table_name, column_name, grantee, privilege_type) as item
      from information_schema.column_privileges
      where table_schema in ('public', 'private') and grantee in ('anon', 'authenticated') order by 1`),
    rowSecurity: await rows(`
      select format('%s rls=%s', c.oid::regclass, c.relrowsecurity) as item
      from pg_class c join pg_namespace n on n.oid = c.relnamespace
      where n.nspname in ('public', 'private') and c.relkind in ('r', 'p') order by 1`),
  }
}

describe('Supabase CLI compatibility', () => {
  let stack: RunningStack | undefined
  let scratch: string
  let db: postgres.Sql
  let dbUrl: string
  let migrationFiles: string[]
  let project: string
  let home: string
  let push: CliRun

  beforeAll(async () => {
    scratch = await fs.mkdtemp(path.join(os.tmpdir(), 'flowstory-cli-compat-'))
    stack = await startStack(
      stackConfigFromEnv({
        stateDir: path.join(scratch, 'stack'),
        apiPort: await freePort(),
        dbPort: await freePort(),
        mailPort: await freePort(),
        applyMigrations: false,
        serveFunctions: false,
        quiet: true,
      }),
    )
    dbUrl = `postgresql://postgres:postgres@127.0.0.1:${stack.config.dbPort}/postgres?sslmode=disable`
    db = postgres(stack.urls.dbUrl, { prepare: false, max: 1, onnotice: () => {} })

    // A scratch project holding a copy of our migrations, config.toml and email templates,
    // so the CLI's working files (supabase/.temp) stay out of the repository — and the CLI
    // proves it accepts our config.toml as its own format.
    migrationFiles = (await fs.readdir(MIGRATIONS_DIR)).filter((name) => name.endsWith('.sql')).sort()
    project = path.join(scratch, 'project')
    home = path.join(scratch, 'home')
    await fs.mkdir(path.join(project, 'supabase'), { recursive: true })
    await fs.mkdir(home)
    await fs.cp(MIGRATIONS_DIR, path.join(project, 'supabase', 'migrations'), { recursive: true })
    await fs.cp(path.join(PROJECT_SUPABASE_DIR, 'config.toml'), path.join(project, 'supabase', 'config.toml'))
    await fs.cp(path.join(PROJECT_SUPABASE_DIR, 'templates'), path.join(project, 'supabase', 'templates'), { recursive: true })

    const [before] = await db`select to_regclass('public.tenants') as tenants, to_regprocedure('auth.uid()') as uid`
    if (before.tenants !== null || before.uid === null) {
      throw new Error('the scratch stack should have the platform bootstrap and no migrations yet')
    }
    push = await runCli(['db', 'push', '--db-url', dbUrl, '--yes'], { cwd: project, home })
  }, 180_000)

  afterAll(async () => {
    await db?.end({ timeout: 1 })
    await stack?.stop()
    if (scratch) await fs.rm(scratch, { recursive: true, force: true })
  })

  it('applies every migration with `supabase db push`', () => {
    expect(push.code, `supabase db push failed:\n${push.output}`).toBe(0)
    for (const file of migrationFiles) expect(push.output).toContain(`Applying migration ${file}`)
  })

  it('creates the tenancy tables and records every migration in the CLI\'s history', async () => {
    const tables = await db`
      select c.relname as name from pg_class c join pg_namespace n on n.oid = c.relnamespace
      where n.nspname = 'public' and c.relname in ('tenants', 'memberships', 'profiles') order by 1`
    expect(tables.map((t) => t.name)).toEqual(['memberships', 'profiles', 'tenants'])

    const history = await db`select version, name from supabase_migrations.schema_migrations order by version`
    expect(history.map((h) => `${h.version}_${h.name}.sql`)).toEqual(migrationFiles)
  })

  it('finds nothing left to push the second time', async () => {
    const again = await runCli(['db', 'push', '--db-url', dbUrl, '--yes'], { cwd: project, home })
    expect(again.code, `second supabase db push failed:\n${again.output}`).toBe(0)
    expect(again.output).toContain('Remote database is up to date')
  }, 120_000)

  it('builds the same schema as the local stack does', async () => {
    const testStack = postgres(inject('stackEnv').SUPABASE_DB_URL, { prepare: false, max: 1, onnotice: () => {} })
    try {
      const pushed = await schemaFingerprint(db)
      for (const [kind, items] of Object.entries(pushed)) expect(items.length, `${kind} found`).toBeGreaterThan(0)
      expect(pushed).toEqual(await schemaFingerprint(testStack))
    } finally {
      await testStack.end({ timeout: 1 })
    }
  })
})
