// Runs every supabase/tests/database/*.test.sql pgTAP file against the test stack's
// database: one Vitest test per file, failing with each `not ok` line and its diagnostics.
import fs from 'node:fs'
import path from 'node:path'
import postgres from 'postgres'
import { inject } from 'vitest'
import { formatReport, readSqlFile, runPgTap } from './pgtap.ts'

const DATABASE_TESTS = path.join(import.meta.dirname, 'database')
const HELPERS = path.join(DATABASE_TESTS, '00-helpers.sql')
const files = fs.readdirSync(DATABASE_TESTS).filter((name) => name.endsWith('.test.sql')).sort()

const { SUPABASE_DB_URL } = inject('stackEnv')

describe('database (pgTAP)', () => {
  let sql: postgres.Sql
  let helpers: { name: string; sql: string }

  beforeAll(async () => {
    sql = postgres(SUPABASE_DB_URL, { prepare: false, max: 1, onnotice: () => {} })
    helpers = await readSqlFile(HELPERS, '00-helpers.sql')
  })
  afterAll(async () => {
    await sql.end({ timeout: 1 })
  })

  it('has pgTAP files to run', () => {
    expect(files.length).toBeGreaterThan(0)
  })

  for (const name of files) {
    it(name, async () => {
      const report = await runPgTap(sql, await readSqlFile(path.join(DATABASE_TESTS, name), name), helpers)
      if (report.problems.length) throw new Error(formatReport(name, report))
    })
  }

  // The runner itself must not let a failure through: a failing assertion, a missing test
  // and an SQL error each fail with the lines a person needs to fix them.
  it('reports failing assertions, plan mismatches and SQL errors', async () => {
    const failing = {
      name: 'failing.test.sql',
      sql: `begin;\nselect plan(3);\nselect is(1 + 1, 3, 'arithmetic is broken');\nselect ok(true, 'fine');\nselect * from finish();\nrollback;\n`,
    }
    const report = await runPgTap(sql, failing, helpers)
    expect(report.problems).toEqual([
      expect.stringMatching(/^not ok 1 - arithmetic is broken\n# .*\n#\s+have: 2\n#\s+want: 3/),
      'planned 3 tests but ran 2',
    ])

    const broken = { name: 'broken.test.sql', sql: `begin;\nselect plan(1);\n\nselect nonsense from;\nrollback;\n` }
    const errorReport = await runPgTap(sql, broken, helpers)
    expect(errorReport.problems).toEqual([expect.stringMatching(/^SQL error at broken\.test\.sql:4: syntax error/)])

    const sloppy = { name: 'sloppy.test.sql', sql: `select plan(1);\nselect ok(true);\n` }
    await expect(runPgTap(sql, sloppy, helpers)).rejects.toThrow('must start with "begin;"')
  })
})
