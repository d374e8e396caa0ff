// Reads the parts of supabase/config.toml the storage and functions stand-ins honour, the
// way the Supabase CLI does: `[storage] file_size_limit` and `[functions.<name>]`. The
// reader covers the TOML the CLI writes (tables, key = value, strings, numbers, booleans,
// arrays); anything it cannot read is an error naming the line, never a silent default.
import fs from 'node:fs'
import path from 'node:path'
import { projectRoot } from '../config.ts'

export const DEFAULT_CONFIG_FILE = path.join(projectRoot, 'supabase', 'config.toml')

type TomlValue = string | number | boolean | TomlValue[] | TomlTable
type TomlTable = { [key: string]: TomlValue }

export type FunctionSettings = {
  /** Verify the caller's JWT before invoking (the CLI's default is true). */
  verifyJwt: boolean
  enabled: boolean
}

export type ProjectConfig = {
  /** `[storage] file_size_limit` in bytes (the CLI's default is 50 MiB). */
  storageFileSizeLimit: number
  functionSettings(name: string): FunctionSettings
}

const DEFAULT_FILE_SIZE_LIMIT = 50 * 1024 * 1024

export function readProjectConfig(file = DEFAULT_CONFIG_FILE): ProjectConfig {
  let text = ''
  try {
    text = fs.readFileSync(file, 'utf8')
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error
  }
  const toml = parseToml(text, file)
  const storage = asTable(toml.storage)
  const functions = asTable(toml.functions)
  const rawLimit = storage.file_size_limit
  return {
    storageFileSizeLimit: rawLimit === undefined ? DEFAULT_FILE_SIZE_LIMIT : parseCliSize(rawLimit, `${file}: [storage] file_size_limit`),
    functionSettings(name) {
      const settings = asTable(functions[name])
      return { verifyJwt: settings.verify_jwt !== false, enabled: settings.enabled !== false }
    },
  }
}

function asTable(value: TomlValue | undefined): TomlTable {
  return value !== undefined && typeof value === 'object' && !Array.isArray(value) ? value : {}
}

/**
 * Sizes as the CLI reads them (docker/go-units RAMInBytes): binary multiples whether
 * written "MB" or "MiB", so "50MiB" and "50MB" are both 52,428,800 bytes.
 */
export function parseCliSize(value: TomlValue, where: string): number {
  if (typeof value === 'number' && Number.isFinite(value) && value >= 0) return Math.floor(value)
  const match = typeof value === 'string' ? /^\s*(\d+(?:\.\d+)?)\s*([kmgt]?)(i?b)?\s*$/i.exec(value) : null
  if (!match) throw new Error(`${where}: expected a size such as "50MiB", got ${JSON.stringify(value)}`)
  const power = ['', 'k', 'm', 'g', 't'].indexOf(match[2].toLowerCase())
  return Math.floor(Number(match[1]) * 1024 ** power)
}

// --- a small TOML reader -------------------------------------------------------------

export function parseToml(text: string, file = 'config.toml'): TomlTable {
  const root: TomlTable = {}
  let current = root
  const lines = text.split(/\r?\n/)
  for (let index = 0; index < lines.length; index++) {
    const fail = (why: string): never => {
      throw new Error(`${file}:${index + 1}: ${why}`)
    }
    let line = stripComment(lines[index]).trim()
    if (line === '') continue
    if (line.startsWith('[[')) fail('arrays of tables are not supported by the local stack')
    if (line.startsWith('[')) {
      if (!line.endsWith(']')) fail('unterminated table header')
      current = root
      for (const key of splitKey(line.slice(1, -1), fail)) {
        const next = current[key]
        if (next === undefined) current = current[key] = {}
        else if (typeof next === 'object' && !Array.isArray(next)) current = next
        else fail(`"${key}" is both a value and a table`)
      }
      continue
    }
    const eq = findUnquoted(line, '=')
    if (eq < 0) fail('expected key = value')
    const keys = splitKey(line.slice(0, eq), fail)
    let valueText = line.slice(eq + 1).trim()
    // Arrays may span lines: keep reading until the brackets balance.
    while (valueText.startsWith('[') && !bracketsBalanced(valueText) && index + 1 < lines.length) {
      index++
      line = stripComment(lines[index]).trim()
      valueText += ` ${line}`
    }
    const parser = { text: valueText, pos: 0, fail }
    const value = parseValue(parser)
    skipSpaces(parser)
    if (parser.pos !== parser.text.length) fail(`unexpected text after the value: ${parser.text.slice(parser.pos)}`)
    let target = current
    for (const key of keys.slice(0, -1)) {
      const next = target[key]
      if (next === undefined) target = target[key] = {}
      else if (typeof next === 'object' && !Array.isArray(next)) target = next
      else fail(`"${key}" is both a value and a table`)
    }
    target[keys[keys.length - 1]] = value
  }
  return root
}

type Parser = { text: string; pos: number; fail: (why: string) => never }

function parseValue(p: Parser): TomlValue {
  skipSpaces(p)
  const ch = p.text[p.pos]
  if (ch === '"' || ch === "'") return parseString(p)
  if (ch === '[') {
    p.pos++
    const items: TomlValue[] = []
    for (;;) {
      skipSpaces(p)
      if (p.text[p.pos] === ']') {
        p.pos++
        return items
      }
      items.push(parseValue(p))
      skipSpaces(p)
      if (p.text[p.pos] === ',') p.pos++
      else if (p.text[p.pos] !== ']') p.fail('expected , or ] in array')
    }
  }
  if (ch === '{') {
    p.pos++
    const table: TomlTable = {}
    for (;;) {
      skipSpaces(p)
      if (p.text[p.pos] === '}') {
        p.pos++
        return table
      }
      const eq = findUnquoted(p.text.slice(p.pos), '=')
      if (eq < 0) p.fail('expected key = value in inline table')
      const key = splitKey(p.text.slice(p.pos, p.pos + eq), p.fail)
      p.pos += eq + 1
      table[key.join('.')] = parseValue(p)
      skipSpaces(p)
      if (p.text[p.pos] === ',') p.pos++
      else if (p.text[p.pos] !== '}') p.fail('expected , or } in inline table')
    }
  }
  const match = /^[^,\]}\s]+/.exec(p.text.slice(p.pos))
  if (!match) return p.fail('expected a value')
  p.pos += match[0].length
  const word = match[0]
  if (word === 'true') return true
  if (word === 'false') return false
  const number = Number(word.replaceAll('_', ''))
  if (Number.isFinite(number)) return number
  return p.fail(`cannot read value ${word}`)
}

function parseString(p: Parser): string {
  const quote = p.text[p.pos]
  if (p.text.startsWith(quote.repeat(3), p.pos)) p.fail('multi-line strings are not supported by the local stack')
  p.pos++
  let out = ''
  while (p.pos < p.text.length) {
    const ch = p.text[p.pos++]
    if (ch === quote) return out
    if (ch === '\\' && quote === '"') {
      const esc = p.text[p.pos++]
      const simple: Record<string, string> = { n: '\n', t: '\t', r: '\r', '"': '"', '\\': '\\', b: '\b', f: '\f' }
      if (esc in simple) out += simple[esc]
      else if (esc === 'u' || esc === 'U') {
        const len = esc === 'u' ? 4 : 8
        out += String.fromCodePoint(Number.parseInt(p.text.slice(p.pos, p.pos + len), 16))
        p.pos += len
      } else p.fail(`unknown escape \\${esc}`)
    } else out += ch
  }
  return p.fail('unterminated string')
}

function skipSpaces(p: Parser) {
  while (p.pos < p.text.length && /\s/.test(p.text[p.pos])) p.pos++
}

function splitKey(text: string, fail: (why: string) => never): string[] {
  const keys: string[] = []
  const p: Parser = { text: text.trim(), pos: 0, fail }
  while (p.pos < p.text.length) {
    skipSpaces(p)
    const ch = p.text[p.pos]
    if (ch === '"' || ch === "'") keys.push(parseString(p))
    else {
      const match = /^[A-Za-z0-9_-]+/.exec(p.text.slice(p.pos))
      if (!match) fail(`invalid key ${text.trim()}`)
      keys.push(match![0])
      p.pos += match![0].length
    }
    skipSpaces(p)
    if (p.pos < p.text.length) {
      if (p.text[p.pos] !== '.') fail(`invalid key ${text.trim()}`)
      p.pos++
    }
  }
  if (keys.length === 0) fail('empty key')
  return keys
}

function stripComment(line: string): string {
  const at = findUnquoted(line, '#')
  return at < 0 ? line : line.slice(0, at)
}

function findUnquoted(text: string, needle: string): number {
  let quote: string | null = null
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]
    if (quote) {
      if (ch === '\\' && quote === '"') i++
      else if (ch === quote) quote = null
    } else if (ch === '"' || ch === "'") quote = ch
    else if (ch === needle) return i
  }
  return -1
}

function bracketsBalanced(text: string): boolean {
  let depth = 0
  let quote: string | null = null
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]
    if (quote) {
      if (ch === '\\' && quote === '"') i++
      else if (ch === quote) quote = null
    } else if (ch === '"' || ch === "'") quote = ch
    else if (ch === '[') depth++
    else if (ch === ']') depth--
  }
  return depth === 0
}
