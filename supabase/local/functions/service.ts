// /functions/v1/<name>: runs the project's real Edge Functions (supabase/functions/<name>/
// index.ts) with Deno from node_modules, the way `supabase functions serve` does: the
// caller's JWT is verified first unless config.toml sets `[functions.<name>] verify_jwt =
// false`, the function gets the CLI's variables (SUPABASE_URL, keys, SUPABASE_DB_URL,
// SUPABASE_JWKS …) plus supabase/functions/.env, and sees the request path from /<name>.
import fs from 'node:fs'
import path from 'node:path'
import { projectRoot } from '../config.ts'
import { json } from '../http.ts'
import type { ServiceContext, StackService } from '../service.ts'
import { readEnvFile } from './env-file.ts'
import { createJwtGate } from './jwt-gate.ts'
import { DEFAULT_CONFIG_FILE, readProjectConfig } from '../project-config.ts'
import { createWorkerPool } from './workers.ts'

const PREFIX = '/functions/v1'
const FUNCTION_NAME = /^[a-z0-9][a-z0-9_-]*$/

export type FunctionsServiceOptions = {
  /** Where the functions live (default supabase/functions); tests point it at a temp folder. */
  functionsDir?: string
  /** The config.toml holding `[functions.<name>]` (default supabase/config.toml). */
  configFile?: string
  denoBin?: string
  /** Restart workers when files under functionsDir change (default true). */
  watch?: boolean
}

export function createFunctionsService(context: ServiceContext, options: FunctionsServiceOptions = {}): StackService {
  const functionsDir = options.functionsDir ?? path.join(projectRoot, 'supabase', 'functions')
  const configFile = options.configFile ?? DEFAULT_CONFIG_FILE
  const log = (line: string) => console.log(line)
  const { keys, urls } = context
  const pool = createWorkerPool({
    functionsDir,
    denoBin: options.denoBin ?? path.join(projectRoot, 'node_modules', '.bin', 'deno'),
    log,
    watch: options.watch ?? true,
    functionEnv: () => ({
      // A writer's local Ollama or vLLM, and the tests' fake provider, live on this machine:
      // the local stack lets functions call private addresses (supabase/functions/.env can
      // say false to try the SSRF guard; hosted projects leave it unset).
      AI_ALLOW_PRIVATE_BASE_URLS: 'true',
      ...readEnvFile(path.join(functionsDir, '.env'), log),
      SUPABASE_URL: urls.apiUrl,
      SUPABASE_ANON_KEY: keys.anonKey,
      SUPABASE_SERVICE_ROLE_KEY: keys.serviceRoleKey,
      SUPABASE_DB_URL: urls.dbUrl,
      SUPABASE_PUBLISHABLE_KEYS: JSON.stringify({ default: keys.publishableKey }),
      SUPABASE_SECRET_KEYS: JSON.stringify({ default: keys.secretKey }),
      SUPABASE_JWKS: JSON.stringify({ keys: [keys.publicJwk] }),
    }),
  })
  const checkJwt = createJwtGate(keys)
  const shownDir = path.relative(projectRoot, functionsDir) || '.'

  async function handle(req: Request): Promise<Response> {
    const url = new URL(req.url)
    const functionPath = url.pathname.slice(PREFIX.length)
    const name = functionPath.split('/')[1] ?? ''
    const entrypoint = path.join(functionsDir, name, 'index.ts')
    if (!FUNCTION_NAME.test(name) || !fs.existsSync(entrypoint)) return notFound(name, shownDir)
    const settings = readProjectConfig(configFile).functionSettings(name)
    if (!settings.enabled) return notFound(name, shownDir)
    if (settings.verifyJwt && req.method !== 'OPTIONS') {
      const refusal = await checkJwt(req)
      if (refusal) return refusal
    }
    return pool.forward(name, entrypoint, req, `${functionPath}${url.search}`)
  }

  return { prefix: PREFIX, handle, stop: pool.stop }
}

function notFound(name: string, dir: string): Response {
  return json(
    {
      code: 'NOT_FOUND',
      message: name
        ? `Function "${name}" not found: there is no ${dir}/${name}/index.ts`
        : 'No function named: call /functions/v1/<name>',
    },
    404,
  )
}
