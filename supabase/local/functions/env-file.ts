// supabase/functions/.env, read as the Supabase CLI reads it for `functions serve`: KEY=value
// lines, optional `export`, quotes, # comments. Names starting with SUPABASE_ are reserved
// for the runtime and skipped, as the CLI does.
import fs from 'node:fs'

export function readEnvFile(file: string, warn: (message: string) => void = console.warn): Record<string, string> {
  let text: string
  try {
    text = fs.readFileSync(file, 'utf8')
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return {}
    throw error
  }
  const env: Record<string, string> = {}
  for (const [index, raw] of text.split(/\r?\n/).entries()) {
    const line = raw.trim()
    if (line === '' || line.startsWith('#')) continue
    const match = /^(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*)$/.exec(line)
    if (!match) {
      warn(`${file}:${index + 1}: expected NAME=value, skipped`)
      continue
    }
    const [, name, rawValue] = match
    if (name.startsWith('SUPABASE_')) {
      warn(`${file}:${index + 1}: ${name} is reserved for the runtime (names may not start with SUPABASE_), skipped`)
      continue
    }
    env[name] = unquote(rawValue)
  }
  return env
}

function unquote(value: string): string {
  const quote = value[0]
  if ((quote === '"' || quote === "'") && value.length >= 2) {
    const end = value.lastIndexOf(quote)
    if (end > 0) {
      const inner = value.slice(1, end)
      return quote === '"' ? inner.replace(/\\n/g, '\n').replace(/\\"/g, '"').replace(/\\\\/g, '\\') : inner
    }
  }
  const comment = value.search(/\s#/)
  return (comment >= 0 ? value.slice(0, comment) : value).trim()
}
