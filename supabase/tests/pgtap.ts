// Runs pgTAP files over the wire protocol and judges their TAP output, standing in for
// pg_prove (which `supabase test db` uses and which needs Docker). Each file is one
// transaction (`begin; … rollback;`) sent as a single simple-protocol query, so it runs
// exactly as psql would run it and leaves nothing behind.
import fs from 'node:fs/promises'
import type postgres from 'postgres'

export type TapReport = {
  /** The N of the `1..N` line, or null when the file printed no plan. */
  planned: number | null
  /** Numbered test lines (`ok …` and `not ok …`). */
  ran: number
  /** Every TAP line, in order, for the failure message. */
  lines: string[]
  /** What makes the file fail: each `not ok` with its diagnostics, a plan mismatch … */
  problems: string[]
}

const TEST_LINE = /^(not )?ok\b/
const TAP_LINE = /^((not )?ok\b|1\.\.\d+|#)/

/** A file's `begin;` followed by the helpers, so they live and die with its transaction. */
export function withHelpers(fileName: string, fileSql: string, helpersSql: string): { sql: string; helpersOffset: number; helpersLength: number } {
  const begin = /^(?:\s*--[^\n]*\n|\s+)*begin\s*;/i.exec(fileSql)
  if (!begin) {
    throw new Error(`${fileName} must start with "begin;" (comments before it are fine) so its work can be rolled back`)
  }
  if (!/rollback\s*;\s*(--[^\n]*\s*)*$/i.test(fileSql)) {
    throw new Error(`${fileName} must end with "rollback;" so it leaves nothing behind`)
  }
  const head = begin[0] + '\n'
  return {
    sql: head + helpersSql + '\n' + fileSql.slice(begin[0].length),
    helpersOffset: head.length,
    helpersLength: helpersSql.length + 1,
  }
}

/** All text a query returned, split into lines, keeping only TAP. */
export function tapLinesFrom(result: unknown): string[] {
  const lines: string[] = []
  const visit = (value: unknown) => {
    if (Array.isArray(value)) {
      for (const item of value) visit(item)
    } else if (value && typeof value === 'object') {
      for (const cell of Object.values(value)) {
        if (typeof cell === 'string') lines.push(...cell.split('\n').filter((line) => TAP_LINE.test(line)))
      }
    }
  }
  visit(result)
  return lines
}

export function judgeTap(lines: string[]): TapReport {
  let planned: number | null = null
  let ran = 0
  const problems: string[] = []
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]
    const plan = /^1\.\.(\d+)/.exec(line)
    if (plan) {
      planned = Number(plan[1])
      continue
    }
    if (!TEST_LINE.test(line)) continue
    ran++
    const skipped = /#\s*skip\b/i.test(line)
    if (line.startsWith('not ok') || skipped) {
      const diagnostics: string[] = []
      for (let j = i + 1; j < lines.length && lines[j].startsWith('#'); j++) diagnostics.push(lines[j])
      problems.push([skipped ? `${line}   <- skipped tests are not allowed` : line, ...diagnostics].join('\n'))
    }
  }
  if (planned === null) problems.push('no plan: the file must call plan(n) before its tests')
  else if (planned !== ran) problems.push(`planned ${planned} tests but ran ${ran}`)
  return { planned, ran, lines, problems }
}

/** Line (1-based) of a character offset in a text. */
function lineAt(text: string, offset: number): number {
  return text.slice(0, offset).split('\n').length
}

export async function runPgTap(
  sql: postgres.Sql,
  file: { name: string; sql: string },
  helpers: { name: string; sql: string },
): Promise<TapReport> {
  const batch = withHelpers(file.name, file.sql, helpers.sql)
  const connection = await sql.reserve()
  try {
    const result = await connection.unsafe(batch.sql).simple()
    return judgeTap(tapLinesFrom(result))
  } catch (error) {
    const e = error as postgres.PostgresError
    let where = ''
    const position = Number(e.position)
    if (Number.isInteger(position) && position > 0) {
      const offset = position - 1
      if (offset < batch.helpersOffset) where = ` at ${file.name}:${lineAt(file.sql, offset)}`
      else if (offset < batch.helpersOffset + batch.helpersLength) where = ` at ${helpers.name}:${lineAt(helpers.sql, offset - batch.helpersOffset)}`
      else where = ` at ${file.name}:${lineAt(file.sql, offset - batch.helpersLength - 1)}`
    }
    const details = [
      `SQL error${where}: ${e.message}${e.code ? ` (${e.code})` : ''}`,
      e.detail && `detail: ${e.detail}`,
      e.hint && `hint: ${e.hint}`,
      e.where && `context: ${e.where}`,
    ].filter(Boolean)
    return { planned: null, ran: 0, lines: [], problems: [details.join('\n')] }
  } finally {
    // A file that failed midway leaves its transaction open (and aborted); end it so the
    // shared database is free for the next client.
    await connection.unsafe('rollback').catch(() => {})
    connection.release()
  }
}

export async function readSqlFile(file: string, name: string): Promise<{ name: string; sql: string }> {
  return { name, sql: await fs.readFile(file, 'utf8') }
}

export function formatReport(fileName: string, report: TapReport): string {
  return [
    `${fileName}: ${report.problems.length} problem(s)`,
    '',
    ...report.problems.flatMap((p) => [p, '']),
    report.lines.length ? '--- full TAP output ---' : '',
    ...report.lines,
  ].join('\n')
}
