// Who is calling: GoTrue's requireAuthentication (a user's access token whose user and
// session still exist) and requireAdminCredentials (a service_role token). Like Supabase's
// API gateway, an opaque sb_publishable_/sb_secret_ key (or no Authorization header) is
// replaced by the JWT of the apikey's role before GoTrue looks at it.
import { roleOfApiKey } from '../keys.ts'
import type { AuthContext } from './context.ts'
import { AuthApiError, badRequest, forbidden } from './errors.ts'
import type { AccessTokenClaims } from './jwt.ts'
import { findSession, type SessionRow } from './sessions.ts'
import { findUserById, isBanned, type UserRow } from './users.ts'

const BEARER = /^[Bb]earer (\S+)$/
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i

export function apiKeyOf(req: Request, url: URL): string | null {
  return req.headers.get('apikey') ?? url.searchParams.get('apikey')
}

function bearerToken(ctx: AuthContext, req: Request, url: URL): string {
  const header = req.headers.get('authorization')
  if (header && !/^[Bb]earer sb_/.test(header)) {
    const match = BEARER.exec(header)
    if (!match) throw new AuthApiError(401, 'no_authorization', 'This endpoint requires a valid Bearer token')
    return match[1]
  }
  const role = roleOfApiKey(ctx.keys, apiKeyOf(req, url))
  if (role === 'service_role') return ctx.keys.serviceRoleKey
  if (role === 'anon') return ctx.keys.anonKey
  throw new AuthApiError(401, 'no_authorization', 'This endpoint requires a valid Bearer token')
}

export type AuthenticatedCaller = { claims: AccessTokenClaims; user: UserRow; session: SessionRow | null }

export async function requireUser(ctx: AuthContext, req: Request, url: URL): Promise<AuthenticatedCaller> {
  const claims = await ctx.signer.verify(bearerToken(ctx, req, url))
  if (!claims.sub) throw forbidden('bad_jwt', 'invalid claim: missing sub claim')
  if (!UUID.test(claims.sub)) throw badRequest('bad_jwt', 'invalid claim: sub claim must be a UUID')
  const sessionId = claims.session_id
  const hasSession = !!sessionId && sessionId !== '00000000-0000-0000-0000-000000000000'
  if (hasSession && !UUID.test(sessionId)) throw forbidden('bad_jwt', 'invalid claim: session_id claim must be a UUID')
  const { user, session } = await ctx.read(async (tx) => ({
    user: await findUserById(tx, claims.sub!),
    session: hasSession ? await findSession(tx, sessionId) : null,
  }))
  if (!user) throw forbidden('user_not_found', 'User from sub claim in JWT does not exist')
  if (hasSession && !session) throw forbidden('session_not_found', 'Session from session_id claim in JWT does not exist')
  if (isBanned(user)) throw forbidden('user_banned', 'User is banned')
  return { claims, user, session }
}

/** GoTrue's JWT_ADMIN_ROLES default. */
const ADMIN_ROLES = ['service_role', 'supabase_admin']

export async function requireAdmin(ctx: AuthContext, req: Request, url: URL): Promise<void> {
  const claims = await ctx.signer.verify(bearerToken(ctx, req, url))
  const sessionId = claims.session_id
  if (sessionId && UUID.test(sessionId) && !(await ctx.read((tx) => findSession(tx, sessionId)))) {
    throw forbidden('session_not_found', 'Session from session_id claim in JWT does not exist')
  }
  if (!ADMIN_ROLES.includes(String(claims.role ?? ''))) throw forbidden('not_admin', 'User not allowed')
}
