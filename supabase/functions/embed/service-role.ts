// Is the caller the service role? Draining the queue is a back-office job (a cron or the
// app server), never a browser's. Accepted: the legacy service_role JWT, verified against
// the project's keys (its `role` claim), or one of the new secret API keys (sb_secret_…),
// compared in constant time with the runtime's SUPABASE_SECRET_KEYS.
import { jwtVerify } from 'jose'
import { keySet, keySourceFromEnv, type KeySource } from '../_shared/auth.ts'

export type IsServiceRole = (req: Request) => Promise<boolean>

export function createServiceRoleCheck(source: KeySource, secretKeys: string[] = []): IsServiceRole {
  const keys = keySet(source)
  const secrets = secretKeys.filter((key) => key.length > 0).map((key) => new TextEncoder().encode(key))
  return async (req) => {
    const token = /^Bearer\s+(\S+)$/i.exec(req.headers.get('authorization') ?? '')?.[1] ?? req.headers.get('apikey') ?? ''
    if (!token) return false
    const given = new TextEncoder().encode(token)
    if (secrets.some((secret) => constantTimeEqual(secret, given))) return true
    try {
      const { payload } = await jwtVerify(token, keys, { algorithms: ['ES256', 'RS256'] })
      return payload.role === 'service_role'
    } catch {
      return false
    }
  }
}

function constantTimeEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false
  let diff = 0
  for (let i = 0; i < a.length; i++) diff |= a[i] ^ b[i]
  return diff === 0
}

export function serviceRoleCheckFromEnv(): IsServiceRole {
  let secretKeys: string[] = []
  try {
    secretKeys = Object.values(JSON.parse(Deno.env.get('SUPABASE_SECRET_KEYS') ?? '{}') as Record<string, string>)
  } catch {
    secretKeys = []
  }
  return createServiceRoleCheck(keySourceFromEnv(), secretKeys)
}
