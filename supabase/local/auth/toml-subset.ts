// Reads the part of TOML that supabase/config.toml uses: [table.headers], `key = value`
// with strings, numbers, booleans and single-line arrays, and # comments. It is not a
// general TOML parser (no TOML package is installed and the stand-in needs a dozen keys);
// anything it does not understand is skipped rather than guessed.

export type TomlValue = string | number | boolean | TomlValue[]
export type TomlTables = Map<string, Map<string, TomlValue>>

export function parseTomlSubset(text: string): TomlTables {
  const tables: TomlTables = new Map([['', new Map()]])
  let current = tables.get('')!
  for (const rawLine of text.split(/\r?\n/)) {
    const line = stripComment(rawLine).trim()
    if (line === '') continue
    const header = /^\[([^[\]]+)\]$/.exec(line)
    if (header) {
      const name = header[1].trim()
      if (!tables.has(name)) tables.set(name, new Map())
      current = tables.get(name)!
      continue
    }
    const assignment = /^([A-Za-z0-9_.-]+)\s*=\s*(.+)$/.exec(line)
    if (!assignment) continue
    const value = parseValue(assignment[2].trim())
    if (value !== undefined) current.set(assignment[1], value)
  }
  return tables
}

/** Drops a trailing `# comment`, leaving `#` inside quoted strings alone. */
function stripComment(line: string): string {
  let quote: string | null = null
  for (let i = 0; i < line.length; i++) {
    const ch = line[i]
    if (quote) {
      if (ch === '\\' && quote === '"') i++
      else if (ch === quote) quote = null
    } else if (ch === '"' || ch === "'") quote = ch
    else if (ch === '#') return line.slice(0, i)
  }
  return line
}

function parseValue(raw: string): TomlValue | undefined {
  if (raw.startsWith('"')) return parseBasicString(raw)
  if (raw.startsWith("'")) return raw.endsWith("'") && raw.length >= 2 ? raw.slice(1, -1) : undefined
  if (raw === 'true') return true
  if (raw === 'false') return false
  if (/^[+-]?\d[\d_]*(\.\d+)?$/.test(raw)) return Number(raw.replaceAll('_', ''))
  if (raw.startsWith('[') && raw.endsWith(']')) return parseArray(raw.slice(1, -1))
  return undefined
}

function parseBasicString(raw: string): string | undefined {
  try {
    // TOML basic strings use the same escapes as JSON for everything config.toml contains.
    const parsed: unknown = JSON.parse(raw)
    return typeof parsed === 'string' ? parsed : undefined
  } catch {
    return undefined
  }
}

function parseArray(inner: string): TomlValue[] | undefined {
  const items: TomlValue[] = []
  let depth = 0
  let quote: string | null = null
  let start = 0
  const push = (end: number) => {
    const part = inner.slice(start, end).trim()
    if (part === '') return true
    const value = parseValue(part)
    if (value === undefined) return false
    items.push(value)
    return true
  }
  for (let i = 0; i < inner.length; i++) {
    const ch = inner[i]
    if (quote) {
      if (ch === '\\' && quote === '"') i++
      else if (ch === quote) quote = null
      continue
    }
    if (ch === '"' || ch === "'") quote = ch
    else if (ch === '[') depth++
    else if (ch === ']') depth--
    else if (ch === ',' && depth === 0) {
      if (!push(i)) return undefined
      start = i + 1
    }
  }
  return push(inner.length) ? items : undefined
}
