// supabase/config.toml, read once for every stand-in that honours it (Auth settings and
// email templates, Storage's size limit, per-function settings), with the defaults the
// Supabase CLI applies. Parsed by smol-toml; a file that is not valid TOML is an error
// naming the file and line, never a silent default.
import fs from 'node:fs'
import path from 'node:path'
import { parse } from 'smol-toml'
import { projectRoot } from './config.ts'

export const DEFAULT_CONFIG_FILE = path.join(projectRoot, 'supabase', 'config.toml')

export type TomlTable = Record<string, unknown>

/** The whole file as nested tables; an absent file reads as empty (the CLI's defaults). */
export function readConfigToml(file = DEFAULT_CONFIG_FILE): TomlTable {
  let text: string
  try {
    text = fs.readFileSync(file, 'utf8')
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return {}
    throw error
  }
  try {
    return parse(text) as TomlTable
  } catch (error) {
    throw new Error(`${file}: ${(error as Error).message}`)
  }
}

/** The table at a dotted path such as `auth.email.template.invite` (empty when absent). */
export function tableAt(root: TomlTable, dotted: string): TomlTable {
  let current: unknown = root
  for (const key of dotted.split('.')) {
    current = isTable(current) ? current[key] : undefined
  }
  return isTable(current) ? current : {}
}

function isTable(value: unknown): value is TomlTable {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Date)
}

/** Typed reads from one table, each with the CLI's default. */
export function tableReader(table: TomlTable) {
  return {
    string: (key: string, fallback: string) => (typeof table[key] === 'string' ? (table[key] as string) : fallback),
    number: (key: string, fallback: number) => (typeof table[key] === 'number' ? (table[key] as number) : fallback),
    boolean: (key: string, fallback: boolean) => (typeof table[key] === 'boolean' ? (table[key] as boolean) : fallback),
    strings: (key: string) => {
      const value = table[key]
      return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : []
    },
  }
}

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
  const toml = readConfigToml(file)
  const rawLimit = tableAt(toml, 'storage').file_size_limit
  const functions = tableAt(toml, 'functions')
  return {
    storageFileSizeLimit: rawLimit === undefined ? DEFAULT_FILE_SIZE_LIMIT : parseCliSize(rawLimit, `${file}: [storage] file_size_limit`),
    functionSettings(name) {
      const settings = tableAt(functions, name)
      return { verifyJwt: settings.verify_jwt !== false, enabled: settings.enabled !== false }
    },
  }
}

/**
 * Sizes as the CLI reads them (docker/go-units RAMInBytes): binary multiples whether
 * written "MB" or "MiB", so "50MiB" and "50MB" are both 52,428,800 bytes.
 */
export function parseCliSize(value: unknown, where: string): number {
  if (typeof value === 'number' && Number.isFinite(value) && value >= 0) return Math.floor(value)
  const match = typeof value === 'string' ? /^\s*(\d+(?:\.\d+)?)\s*([kmgt]?)(i?b)?\s*$/i.exec(value) : null
  if (!match) throw new Error(`${where}: expected a size such as "50MiB", got ${JSON.stringify(value)}`)
  const power = ['', 'k', 'm', 'g', 't'].indexOf(match[2].toLowerCase())
  return Math.floor(Number(match[1]) * 1024 ** power)
}
