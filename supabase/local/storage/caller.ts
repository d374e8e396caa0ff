// Who is calling the Storage API, decided as storage-api and the gateway in front of it do:
// the `apikey` header must be one of the stack's API keys; the bearer token (or the API key
// itself when there is none) is either an API key, standing for its role, or a user access
// token verified against the stack's signing key. The resulting role and claims are what
// every statement on storage.objects and storage.buckets runs with.
import { decodeJwt, type JWTPayload } from 'jose'
import { roleOfApiKey, verifyStackJwt, type StackKeys } from '../keys.ts'
import { errors } from './errors.ts'

export type CallerRole = 'anon' | 'authenticated' | 'service_role'

export type Caller = {
  role: CallerRole
  /** The verified claims, as they go into `request.jwt.claims`. */
  claims: JWTPayload & { role: CallerRole }
  /** `sub` of a user token: recorded as the owner of what the caller creates. */
  owner?: string
}

const ROLES: readonly CallerRole[] = ['anon', 'authenticated', 'service_role']
const BEARER = /^Bearer\s+(.+)$/i

export function createCallerResolver(keys: StackKeys) {
  return async function resolveCaller(req: Request): Promise<Caller> {
    const apiKey = req.headers.get('apikey')
    if (!apiKey) throw errors.apiKey('No API key found in request')
    if (!roleOfApiKey(keys, apiKey)) throw errors.apiKey('Invalid API key')

    const token = BEARER.exec(req.headers.get('authorization') ?? '')?.[1]?.trim() || apiKey
    const keyRole = roleOfApiKey(keys, token)
    if (keyRole) {
      const claims = token.startsWith('sb_') ? {} : decodeJwt(token)
      return { role: keyRole, claims: { ...claims, role: keyRole } }
    }
    const verified = await verifyStackJwt(keys, token)
    if (!verified.ok) throw errors.accessDenied(verified.message || 'Invalid JWT')
    const payload = verified.claims
    const role = payload.role
    if (typeof role !== 'string' || !ROLES.includes(role as CallerRole)) {
      throw errors.accessDenied('Access denied: Invalid role')
    }
    return {
      role: role as CallerRole,
      claims: { ...payload, role: role as CallerRole },
      owner: typeof payload.sub === 'string' ? payload.sub : undefined,
    }
  }
}
