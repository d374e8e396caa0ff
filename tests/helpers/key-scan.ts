// Where a secret (a canary API key) ended up in the database: every table outside Vault and
// the catalogues, each row read as text, so no column (present or future) is missed.
import type { Sql } from 'postgres'

/** The tables a scan reads: every ordinary or partitioned table outside Vault and the catalogues. */
export async function scannedTables(sql: Sql): Promise<{ schema: string; name: string }[]> {
  return await sql<{ schema: string; name: string }[]>`
    select n.nspname as schema, c.relname as name from pg_class c join pg_namespace n on n.oid = c.relnamespace
    where c.relkind in ('r', 'p') and n.nspname not in ('vault', 'pg_catalog', 'information_schema') and n.nspname not like 'pg_%'`
}

/** Tables (outside Vault and the catalogues) with a row whose text holds the needle. */
export async function tablesHolding(sql: Sql, needle: string): Promise<string[]> {
  const found: string[] = []
  for (const table of await scannedTables(sql)) {
    const [row] = await sql<{ hits: number }[]>`select count(*)::int as hits from ${sql(table.schema)}.${sql(table.name)} t where strpos(t::text, ${needle}) > 0`
    if (row.hits > 0) found.push(`${table.schema}.${table.name}`)
  }
  return found
}
