// The stack's Postgres serves many clients from PGlite's single backend. Each client must
// see its own statements' results — parameterised queries outside a transaction included —
// and a client's open transaction must not absorb another client's statements.
import fs from 'node:fs/promises'
import net from 'node:net'
import path from 'node:path'
import postgres from 'postgres'
import { inject } from 'vitest'
import { projectRoot } from './config.ts'

const { SUPABASE_DB_URL } = inject('stackEnv')

describe('the stack’s Postgres under concurrent clients', () => {
  it('answers every parameterised query from many connections with its own result', async () => {
    const sql = postgres(SUPABASE_DB_URL, { prepare: false, max: 20, onnotice: () => {} })
    try {
      const answers = await Promise.all(
        // Uncast parameters make postgres.js describe the statement first (Parse/Describe/
        // Flush, then Bind/Execute/Sync): both shapes must keep to their own connection.
        Array.from({ length: 1500 }, (_, i) =>
          i % 2 ? sql<{ n: number; s: string }[]>`select ${i}::int as n, ${'v' + i}::text || '' as s` : sql<{ n: number; s: string }[]>`select ${i} as n, ${'v' + i} as s`,
        ),
      )
      answers.forEach((rows, i) => expect({ n: Number(rows[0].n), s: rows[0].s }).toEqual({ n: i, s: `v${i}` }))
    } finally {
      await sql.end()
    }
  })

  it('keeps each connection’s transaction settings to itself', async () => {
    const sql = postgres(SUPABASE_DB_URL, { prepare: false, max: 6, onnotice: () => {} })
    try {
      const seen = await Promise.all(
        Array.from({ length: 30 }, (_, i) =>
          sql.begin(async (tx) => {
            await tx`select set_config('app.who', ${String(i)}, true)`
            await new Promise((r) => setTimeout(r, 5))
            const [row] = await tx<{ who: string }[]>`select current_setting('app.who') as who`
            return row.who
          }),
        ),
      )
      expect(seen).toEqual(Array.from({ length: 30 }, (_, i) => String(i)))
      const [outside] = await sql<{ who: string | null }[]>`select current_setting('app.who', true) as who`
      expect(outside.who ?? '').toBe('')
    } finally {
      await sql.end()
    }
  })

  it('rolls back a transaction whose client disconnects mid-way', async () => {
    const a = postgres(SUPABASE_DB_URL, { prepare: false, max: 1, onnotice: () => {} })
    const b = postgres(SUPABASE_DB_URL, { prepare: false, max: 1, onnotice: () => {} })
    try {
      await b`create table if not exists public.stack_disconnect_probe (id int)`
      let inserted!: () => void
      const insertedOnce = new Promise<void>((resolve) => (inserted = resolve))
      void a
        .begin(async (tx) => {
          await tx`insert into public.stack_disconnect_probe values (1)`
          inserted()
          await new Promise(() => {}) // the client vanishes before committing
        })
        .catch(() => {})
      await insertedOnce
      await a.end({ timeout: 0 })
      const [row] = await b<{ n: number }[]>`select count(*)::int as n from public.stack_disconnect_probe`
      expect(row.n).toBe(0)
    } finally {
      await b`drop table if exists public.stack_disconnect_probe`
      await b.end()
    }
  })

  it('drops a client that sends a malformed packet and keeps serving the others', async () => {
    const { hostname, port } = new URL(SUPABASE_DB_URL)
    const socket = net.connect(Number(port), hostname)
    await new Promise((resolve) => socket.once('connect', resolve))
    const closed = new Promise((resolve) => socket.once('close', resolve))
    const packet = Buffer.alloc(8)
    packet.writeInt32BE(0, 0) // a length that cannot even hold itself
    packet.writeInt32BE(80877103, 4)
    socket.write(packet)
    await closed
    const sql = postgres(SUPABASE_DB_URL, { prepare: false, max: 1, onnotice: () => {} })
    try {
      expect((await sql`select 1 as ok`)[0].ok).toBe(1)
    } finally {
      await sql.end()
    }
  })
})

describe('re-applying the platform bootstrap', () => {
  it('never widens the privileges the migrations narrowed', async () => {
    const sql = postgres(SUPABASE_DB_URL, { prepare: false, max: 1, onnotice: () => {} })
    try {
      const bootstrap = await fs.readFile(path.join(projectRoot, 'supabase', 'local', 'bootstrap', '00-platform.sql'), 'utf8')
      await sql.unsafe(bootstrap).simple()
      const [row] = await sql`select
        has_column_privilege('authenticated', 'public.tenants', 'plan', 'UPDATE') as plan_update,
        has_table_privilege('anon', 'public.tenants', 'SELECT') as anon_select`
      expect(row).toEqual({ plan_update: false, anon_select: false })
    } finally {
      await sql.end()
    }
  })
})
