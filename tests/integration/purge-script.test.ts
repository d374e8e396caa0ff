// `npm run purge` (scripts/purge.ts) as a scheduler runs it: a separate Node process with the
// app's environment empties every workspace's expired trash and expired export files.
import { execFile } from 'node:child_process'
import { randomUUID } from 'node:crypto'
import path from 'node:path'
import { promisify } from 'node:util'
import { createClient } from '@supabase/supabase-js'
import postgres from 'postgres'
import { inject } from 'vitest'
import { projectRoot } from '../../supabase/local/config.ts'
import { signInNewWriter } from '../helpers/app-requests.ts'

const run = promisify(execFile)
const env = inject('stackEnv')
const sql = postgres(env.SUPABASE_DB_URL, { prepare: false, onnotice: () => {} })
afterAll(() => sql.end())

describe('the scheduled purge', () => {
  it('removes trash past its retention period and expired export files, and keeps what is recent', async () => {
    const writer = await signInNewWriter(env, sql, 'Agendada')
    const [oldBook, freshBook, exportedBook] = await sql<{ id: string }[]>`
      insert into public.books (tenant_id, title, language, deleted_at)
      values (${writer.workspaceId}, 'Velho', 'pt-BR', now() - interval '45 days'),
             (${writer.workspaceId}, 'Recente', 'pt-BR', now() - interval '2 days'),
             (${writer.workspaceId}, 'Exportado', 'pt-BR', null)
      returning id`
    const exportId = randomUUID()
    const objectPath = `${writer.workspaceId}/${exportedBook.id}/${exportId}.md`
    const storage = createClient(env.SUPABASE_URL, env.SUPABASE_SERVICE_ROLE_KEY, { auth: { persistSession: false } }).storage.from('exports')
    const uploaded = await storage.upload(objectPath, new Blob(['# Exportado\n'], { type: 'text/markdown' }))
    expect(uploaded.error).toBeNull()
    await sql`insert into public.exports (id, tenant_id, book_id, format, object_path, byte_size, created_at, expires_at)
      values (${exportId}, ${writer.workspaceId}, ${exportedBook.id}, 'md', ${objectPath}, 12, now() - interval '9 days', now() - interval '2 days')`

    const { stdout } = await run(process.execPath, [path.join(projectRoot, 'scripts', 'purge.ts')], {
      cwd: projectRoot,
      env: { ...process.env, SUPABASE_URL: env.SUPABASE_URL, SUPABASE_ANON_KEY: env.SUPABASE_ANON_KEY, SUPABASE_DB_URL: env.SUPABASE_DB_URL, SUPABASE_SERVICE_ROLE_KEY: env.SUPABASE_SERVICE_ROLE_KEY },
    })
    expect(stdout).toMatch(/^Purged: \d+ books and \d+ chapters from the trash; \d+ expired exports, \d+ export files\.$/m)

    const books = await sql`select id from public.books where id in ${sql([oldBook.id, freshBook.id, exportedBook.id])}`
    expect(books.map((b) => b.id).sort()).toEqual([freshBook.id, exportedBook.id].sort())
    expect(await sql`select 1 from public.exports where id = ${exportId}`).toHaveLength(0)
    expect((await storage.download(objectPath)).error).not.toBeNull()
  })
})
