// auth.users and auth.identities as GoTrue reads and writes them, and the user object its
// API returns. Password hashes never leave the database: they are made and compared with
// pgcrypto's bcrypt (crypt / gen_salt('bf')), the format GoTrue stores.
import { createHash, randomUUID } from 'node:crypto'
import type postgres from 'postgres'
import { clearOneTimeTokens } from './one-time-tokens.ts'

export type Db = postgres.ISql

/**
 * bcrypt cost for new hashes. GoTrue uses 10; in PGlite's WASM pgcrypto that takes about
 * 63 ms per hash against about 15 ms for 8, and it blocks the single shared backend, so
 * the local stack uses 8 (see docs/decisions/002-gotrue-stand-in.md). Hashes are ordinary
 * $2a$ bcrypt either way and verify with any cost.
 */
export const LOCAL_BCRYPT_COST = 8

export const NIL_UUID = '00000000-0000-0000-0000-000000000000'
export const DEFAULT_AUD = 'authenticated'
export const DEFAULT_ROLE = 'authenticated'

export type UserRow = {
  id: string
  aud: string | null
  role: string | null
  email: string | null
  has_password: boolean
  email_confirmed_at: Date | null
  invited_at: Date | null
  phone: string | null
  phone_confirmed_at: Date | null
  confirmation_token: string | null
  confirmation_sent_at: Date | null
  confirmed_at: Date | null
  recovery_token: string | null
  recovery_sent_at: Date | null
  email_change_token_new: string | null
  email_change_token_current: string | null
  email_change: string | null
  email_change_sent_at: Date | null
  email_change_confirm_status: number | null
  phone_change: string | null
  phone_change_sent_at: Date | null
  reauthentication_sent_at: Date | null
  last_sign_in_at: Date | null
  raw_app_meta_data: Record<string, unknown> | null
  raw_user_meta_data: Record<string, unknown> | null
  created_at: Date | null
  updated_at: Date | null
  banned_until: Date | null
  deleted_at: Date | null
  is_anonymous: boolean
  is_sso_user: boolean
}

export type IdentityRow = {
  id: string
  provider_id: string
  user_id: string
  identity_data: Record<string, unknown>
  provider: string
  last_sign_in_at: Date | null
  created_at: Date | null
  updated_at: Date | null
  email: string | null
}

const USER_COLUMNS = `u.id, u.aud, u.role, u.email, coalesce(u.encrypted_password, '') <> '' as has_password,
  u.email_confirmed_at, u.invited_at, u.phone, u.phone_confirmed_at, u.confirmation_token, u.confirmation_sent_at,
  u.confirmed_at, u.recovery_token, u.recovery_sent_at, u.email_change_token_new, u.email_change_token_current,
  u.email_change, u.email_change_sent_at, u.email_change_confirm_status, u.phone_change, u.phone_change_sent_at,
  u.reauthentication_sent_at, u.last_sign_in_at, u.raw_app_meta_data, u.raw_user_meta_data, u.created_at,
  u.updated_at, u.banned_until, u.deleted_at, u.is_anonymous, u.is_sso_user`

async function selectUser(db: Db, where: string, params: (string | null)[]): Promise<UserRow | null> {
  const rows = await db.unsafe<UserRow[]>(`select ${USER_COLUMNS} from auth.users u where ${where} limit 1`, params)
  return rows[0] ?? null
}

export function findUserById(db: Db, id: string) {
  return selectUser(db, 'u.id = $1::uuid', [id])
}

export function findUserByEmail(db: Db, email: string, aud: string = DEFAULT_AUD) {
  return selectUser(db, 'lower(u.email) = lower($1) and u.aud = $2 and u.is_sso_user = false', [email, aud])
}

/**
 * GoTrue's IsDuplicatedEmail: another account whose email identity (or, failing that,
 * whose users.email) is this address in the same audience.
 */
export async function findDuplicateEmailUser(db: Db, email: string, aud: string, exceptUserId?: string): Promise<UserRow | null> {
  const viaIdentity = await selectUser(
    db,
    `u.id in (select i.user_id from auth.identities i where i.email = lower($1)) and u.aud = $2 and u.id <> coalesce($3::uuid, '${NIL_UUID}')`,
    [email, aud, exceptUserId ?? null],
  )
  if (viaIdentity) return viaIdentity
  const byEmail = await findUserByEmail(db, email, aud)
  return byEmail && byEmail.id !== exceptUserId ? byEmail : null
}

export async function loadIdentities(db: Db, userId: string): Promise<IdentityRow[]> {
  return db<IdentityRow[]>`
    select id, provider_id, user_id, identity_data, provider, last_sign_in_at, created_at, updated_at, email
    from auth.identities where user_id = ${userId} order by created_at, id`
}

const iso = (d: Date | null | undefined) => (d ? d.toISOString() : undefined)

export function identityJson(identity: IdentityRow) {
  return {
    identity_id: identity.id,
    id: identity.provider_id,
    user_id: identity.user_id,
    identity_data: identity.identity_data,
    provider: identity.provider,
    last_sign_in_at: iso(identity.last_sign_in_at),
    created_at: iso(identity.created_at),
    updated_at: iso(identity.updated_at),
    email: identity.email || undefined,
  }
}

/** The user object of GoTrue's API (models.User's JSON), field for field and in order. */
export function userJson(user: UserRow, identities: IdentityRow[]) {
  return {
    id: user.id,
    aud: user.aud ?? '',
    role: user.role ?? '',
    email: user.email ?? '',
    email_confirmed_at: iso(user.email_confirmed_at),
    invited_at: iso(user.invited_at),
    phone: user.phone ?? '',
    phone_confirmed_at: iso(user.phone_confirmed_at),
    confirmation_sent_at: iso(user.confirmation_sent_at),
    confirmed_at: iso(user.confirmed_at),
    recovery_sent_at: iso(user.recovery_sent_at),
    new_email: user.email_change || undefined,
    email_change_sent_at: iso(user.email_change_sent_at),
    new_phone: user.phone_change || undefined,
    phone_change_sent_at: iso(user.phone_change_sent_at),
    reauthentication_sent_at: iso(user.reauthentication_sent_at),
    last_sign_in_at: iso(user.last_sign_in_at),
    app_metadata: user.raw_app_meta_data ?? {},
    user_metadata: user.raw_user_meta_data ?? {},
    identities: identities.map(identityJson),
    created_at: iso(user.created_at),
    updated_at: iso(user.updated_at),
    banned_until: iso(user.banned_until),
    deleted_at: iso(user.deleted_at),
    is_anonymous: user.is_anonymous,
  }
}

export type UserJson = ReturnType<typeof userJson>

export async function loadUserJson(db: Db, userId: string): Promise<UserJson> {
  const user = await findUserById(db, userId)
  if (!user) throw new Error(`user ${userId} vanished during the request`)
  return userJson(user, await loadIdentities(db, userId))
}

export type NewUser = {
  id?: string
  email: string | null
  phone?: string | null
  /** Plain password to hash; null or "" stores no password (invites, magic-link sign-ups). */
  password: string | null
  aud: string
  role: string
  userMetadata: Record<string, unknown>
  appMetadata: Record<string, unknown>
}

/** Inserts the user row; triggers on auth.users run inside the caller's transaction. */
export async function insertUser(db: Db, user: NewUser): Promise<string> {
  const id = user.id ?? randomUUID()
  const now = new Date()
  await db`
    insert into auth.users (
      instance_id, id, aud, role, email, encrypted_password, raw_app_meta_data, raw_user_meta_data,
      created_at, updated_at, confirmation_token, recovery_token, email_change_token_new, email_change,
      email_change_token_current, email_change_confirm_status, phone, phone_change, phone_change_token,
      reauthentication_token, is_sso_user, is_anonymous
    ) values (
      ${NIL_UUID}, ${id}, ${user.aud}, ${user.role}, ${user.email ? user.email.toLowerCase() : null},
      ${user.password ? db`extensions.crypt(${user.password}, extensions.gen_salt('bf', ${LOCAL_BCRYPT_COST}))` : ''},
      ${JSON.stringify(user.appMetadata)}::text::jsonb, ${JSON.stringify(user.userMetadata)}::text::jsonb,
      ${now}, ${now}, '', '', '', '', '', 0, ${user.phone || null}, '', '', '', false, false
    )`
  return id
}

export async function insertIdentity(db: Db, userId: string, provider: string, identityData: Record<string, unknown>): Promise<void> {
  const now = new Date()
  const data = { ...identityData }
  if (typeof data.email === 'string') data.email = data.email.toLowerCase()
  await db`
    insert into auth.identities (id, provider_id, user_id, identity_data, provider, last_sign_in_at, created_at, updated_at)
    values (${randomUUID()}, ${String(data.sub)}, ${userId}, ${JSON.stringify(data)}::text::jsonb, ${provider}, ${now}, ${now}, ${now})`
}

/** GoTrue's provider.Claims for an email or phone identity, as structs.Map renders it. */
export function identityClaims(userId: string, email: string, extra: { emailVerified?: boolean } = {}) {
  return { sub: userId, email, email_verified: extra.emailVerified ?? false, phone_verified: false }
}

export async function hashPasswordInto(db: Db, userId: string, password: string | null): Promise<void> {
  if (!password) {
    await db`update auth.users set encrypted_password = '', updated_at = ${new Date()} where id = ${userId}`
    return
  }
  await db`
    update auth.users
    set encrypted_password = extensions.crypt(${password}, extensions.gen_salt('bf', ${LOCAL_BCRYPT_COST})), updated_at = ${new Date()}
    where id = ${userId}`
}

export async function passwordMatches(db: Db, userId: string, password: string): Promise<boolean> {
  const rows = await db<{ ok: boolean }[]>`
    select coalesce(encrypted_password, '') <> '' and extensions.crypt(${password}, encrypted_password) = encrypted_password as ok
    from auth.users where id = ${userId}`
  return rows[0]?.ok === true
}

/** Merges like GoTrue's UpdateUserMetaData / UpdateAppMetaData: a null value removes the key. */
export function mergeMetadata(current: Record<string, unknown> | null, updates: Record<string, unknown>): Record<string, unknown> {
  const merged = { ...(current ?? {}) }
  for (const [key, value] of Object.entries(updates)) {
    if (value === null) delete merged[key]
    else merged[key] = value
  }
  return merged
}

export async function updateUserMetadata(db: Db, user: UserRow, updates: Record<string, unknown>): Promise<void> {
  const merged = mergeMetadata(user.raw_user_meta_data, updates)
  user.raw_user_meta_data = merged
  await db`update auth.users set raw_user_meta_data = ${JSON.stringify(merged)}::text::jsonb, updated_at = ${new Date()} where id = ${user.id}`
}

export async function updateAppMetadata(db: Db, user: UserRow, updates: Record<string, unknown>): Promise<void> {
  const merged = mergeMetadata(user.raw_app_meta_data, updates)
  user.raw_app_meta_data = merged
  await db`update auth.users set raw_app_meta_data = ${JSON.stringify(merged)}::text::jsonb, updated_at = ${new Date()} where id = ${user.id}`
}

/** GoTrue's UpdateAppMetaDataProviders: app_metadata.provider(s) follow the identities. */
export async function refreshProviders(db: Db, user: UserRow): Promise<void> {
  const rows = await db<{ provider: string }[]>`
    select provider from auth.identities where user_id = ${user.id} group by provider order by min(created_at)`
  const providers = rows.map((r) => r.provider)
  const updates: Record<string, unknown> = { providers }
  if (providers.length) updates.provider = providers[0]
  await updateAppMetadata(db, user, updates)
}

export async function updateIdentityData(db: Db, userId: string, provider: string, updates: Record<string, unknown>): Promise<void> {
  const rows = await db<{ id: string; identity_data: Record<string, unknown> }[]>`
    select id, identity_data from auth.identities where user_id = ${userId} and provider = ${provider}`
  for (const row of rows) {
    const merged = mergeMetadata(row.identity_data, updates)
    await db`update auth.identities set identity_data = ${JSON.stringify(merged)}::text::jsonb, updated_at = ${new Date()} where id = ${row.id}`
  }
}

/** GoTrue's User.Confirm: the email is verified, pending confirmation tokens are spent. */
export async function confirmEmail(db: Db, user: UserRow): Promise<void> {
  const now = new Date()
  await db`update auth.users set confirmation_token = '', email_confirmed_at = ${now}, updated_at = ${now} where id = ${user.id}`
  user.confirmation_token = ''
  user.email_confirmed_at = now
  await updateUserMetadata(db, user, { email_verified: true })
  await clearOneTimeTokens(db, user.id)
}

/**
 * GoTrue's UpdatePassword: a new password invalidates every pending emailed token and ends
 * every session except the one making the change.
 */
export async function changePassword(db: Db, user: UserRow, password: string | null, keepSessionId: string | null): Promise<void> {
  await hashPasswordInto(db, user.id, password)
  await db`
    update auth.users set
      confirmation_token = '', confirmation_sent_at = null, recovery_token = '', recovery_sent_at = null,
      email_change_token_current = '', email_change_token_new = '', email_change_sent_at = null,
      phone_change_token = '', phone_change_sent_at = null, reauthentication_token = '', reauthentication_sent_at = null
    where id = ${user.id}`
  await clearOneTimeTokens(db, user.id)
  if (keepSessionId) await db`delete from auth.sessions where user_id = ${user.id} and id <> ${keepSessionId}`
  else await db`delete from auth.sessions where user_id = ${user.id}`
}

/** GoTrue's obfuscation for soft-deleted users: sha256(id + value), base64url. */
export function obfuscate(userId: string, value: string): string {
  return createHash('sha256').update(userId + value).digest('base64url')
}

export function isBanned(user: UserRow, now = new Date()): boolean {
  return user.banned_until !== null && user.banned_until.getTime() > now.getTime()
}
