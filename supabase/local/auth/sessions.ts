// Sessions, rotating refresh tokens and access tokens, following GoTrue's legacy refresh
// token algorithm (12-character tokens in auth.refresh_tokens, each refresh revokes the
// used token and issues its child; reusing a revoked token is tolerated for the parent of
// the active token and within refresh_token_reuse_interval, otherwise the whole session's
// tokens are revoked and the request fails with refresh_token_already_used).
import { randomInt, randomUUID } from 'node:crypto'
import type postgres from 'postgres'
import { badRequest } from './errors.ts'
import type { AmrEntry, TokenSigner } from './jwt.ts'
import type { AuthenticationMethod } from './one-time-tokens.ts'
import type { AuthSettings } from './settings.ts'
import { CommitThenFail } from './transaction.ts'
import { DEFAULT_AUD, findUserById, isBanned, loadIdentities, NIL_UUID, userJson, type UserJson, type UserRow } from './users.ts'

type Db = postgres.ISql

export type ClientInfo = { userAgent: string | null; ip: string | null }

export type AccessTokenResponse = {
  access_token: string
  token_type: 'bearer'
  expires_in: number
  expires_at: number
  refresh_token: string
  user: UserJson
  weak_password?: { message: string; reasons: string[] }
}

export type SessionRow = { id: string; user_id: string; not_after: Date | null; created_at: Date | null }

const ALPHANUMERIC = 'abcdefghijklmnopqrstuvwxyz0123456789'

function newRefreshToken(): string {
  let token = ''
  for (let i = 0; i < 12; i++) token += ALPHANUMERIC[randomInt(ALPHANUMERIC.length)]
  return token
}

export type SessionIssuer = {
  /** GoTrue's IssueRefreshToken: a new session, its first refresh token and an access token. */
  issue(db: Db, user: UserRow, method: AuthenticationMethod, client: ClientInfo): Promise<AccessTokenResponse>
  refresh(db: Db, refreshToken: string, client: ClientInfo): Promise<AccessTokenResponse | CommitThenFail>
}

export function createSessionIssuer(settings: AuthSettings, signer: TokenSigner): SessionIssuer {
  async function accessTokenFor(db: Db, user: UserRow, sessionId: string, refreshToken: string): Promise<AccessTokenResponse> {
    const claims = await db<{ authentication_method: string; updated_at: Date }[]>`
      select authentication_method, updated_at from auth.mfa_amr_claims where session_id = ${sessionId}`
    const amr: AmrEntry[] = claims
      .map((c) => ({ method: c.authentication_method, timestamp: Math.floor(c.updated_at.getTime() / 1000) }))
      .sort((a, b) => b.timestamp - a.timestamp)
    const issuedAt = Math.floor(Date.now() / 1000)
    const { token, expiresAt } = await signer.sign({
      userId: user.id,
      aud: user.aud ?? DEFAULT_AUD,
      email: user.email ?? '',
      phone: user.phone ?? '',
      appMetadata: user.raw_app_meta_data ?? {},
      userMetadata: user.raw_user_meta_data ?? {},
      role: user.role ?? '',
      amr,
      sessionId,
      isAnonymous: user.is_anonymous,
      issuedAt,
    })
    return {
      access_token: token,
      token_type: 'bearer',
      expires_in: expiresAt - Math.floor(Date.now() / 1000),
      expires_at: expiresAt,
      refresh_token: refreshToken,
      user: userJson(user, await loadIdentities(db, user.id)),
    }
  }

  async function insertRefreshToken(db: Db, userId: string, sessionId: string, parent: string | null): Promise<string> {
    const token = newRefreshToken()
    const now = new Date()
    await db`
      insert into auth.refresh_tokens (instance_id, token, user_id, parent, session_id, revoked, created_at, updated_at)
      values (${NIL_UUID}, ${token}, ${userId}, ${parent}, ${sessionId}, false, ${now}, ${now})`
    return token
  }

  return {
    async issue(db, user, method, client) {
      const now = new Date()
      const sessionId = randomUUID()
      await db`
        insert into auth.sessions (id, user_id, created_at, updated_at, aal, user_agent, ip)
        values (${sessionId}, ${user.id}, ${now}, ${now}, 'aal1', ${client.userAgent}, ${client.ip}::inet)`
      const refreshToken = await insertRefreshToken(db, user.id, sessionId, null)
      await db`update auth.users set last_sign_in_at = ${now}, updated_at = ${now} where id = ${user.id}`
      user.last_sign_in_at = now
      await db`
        insert into auth.mfa_amr_claims (id, session_id, created_at, updated_at, authentication_method)
        values (${randomUUID()}, ${sessionId}, ${now}, ${now}, ${method})
        on conflict on constraint mfa_amr_claims_session_id_authentication_method_pkey do update set updated_at = ${now}`
      const fresh = (await findUserById(db, user.id)) ?? user
      return accessTokenFor(db, fresh, sessionId, refreshToken)
    },

    async refresh(db, refreshToken, client) {
      type TokenRow = { id: string; token: string; user_id: string; revoked: boolean; updated_at: Date; session_id: string | null; parent: string | null }
      const rows = await db<TokenRow[]>`
        select id::text, token, user_id, revoked, updated_at, session_id, parent
        from auth.refresh_tokens where token = ${refreshToken} limit 1 for update`
      const token = rows[0]
      if (!token) throw badRequest('refresh_token_not_found', 'Invalid Refresh Token: Refresh Token Not Found')
      const user = await findUserById(db, token.user_id)
      if (!user) throw badRequest('refresh_token_not_found', 'Invalid Refresh Token: Refresh Token Not Found')
      if (isBanned(user)) throw badRequest('user_banned', 'Invalid Refresh Token: User Banned')
      const sessions = token.session_id
        ? await db<SessionRow[]>`select id, user_id, not_after, created_at from auth.sessions where id = ${token.session_id} for update`
        : []
      const session = sessions[0]
      if (!session) throw badRequest('session_not_found', 'Invalid Refresh Token: No Valid Session Found')
      if (session.not_after && Date.now() > session.not_after.getTime()) {
        throw badRequest('session_expired', 'Invalid Refresh Token: Session Expired')
      }

      let issued: string | null = null
      if (token.revoked) {
        const active = await db<{ token: string; parent: string | null }[]>`
          select token, parent from auth.refresh_tokens
          where session_id = ${session.id} and revoked is false order by id desc limit 1`
        if (active[0] && active[0].parent === token.token) {
          // The client lost the answer to its last refresh: hand it the token it missed.
          issued = active[0].token
        } else if (Date.now() > token.updated_at.getTime() + settings.refreshTokenReuseIntervalSeconds * 1000) {
          if (settings.refreshTokenRotation) {
            await db`update auth.refresh_tokens set revoked = true, updated_at = ${new Date()} where session_id = ${session.id} and revoked = false`
          }
          // The revocation must stick even though the request fails, like GoTrue's NewCommitWithError.
          return new CommitThenFail(badRequest('refresh_token_already_used', 'Invalid Refresh Token: Already Used'))
        }
      }
      if (!issued) {
        const now = new Date()
        await db`update auth.refresh_tokens set revoked = true, updated_at = ${now} where id = ${token.id}::bigint`
        issued = await insertRefreshToken(db, user.id, session.id, token.token)
      }
      const now = new Date()
      await db`
        update auth.sessions set refreshed_at = (now() at time zone 'utc'), updated_at = ${now},
          user_agent = ${client.userAgent}, ip = ${client.ip}::inet
        where id = ${session.id}`
      return accessTokenFor(db, user, session.id, issued)
    },
  }
}

export async function findSession(db: Db, sessionId: string): Promise<SessionRow | null> {
  const rows = await db<SessionRow[]>`select id, user_id, not_after, created_at from auth.sessions where id = ${sessionId} limit 1`
  return rows[0] ?? null
}

export async function logout(db: Db, userId: string, scope: 'global' | 'local' | 'others', sessionId: string | null): Promise<void> {
  if (sessionId && scope === 'local') await db`delete from auth.sessions where id = ${sessionId}`
  else if (sessionId && scope === 'others') await db`delete from auth.sessions where user_id = ${userId} and id <> ${sessionId}`
  else await db`delete from auth.sessions where user_id = ${userId}`
}
