// The admin API (service-role only): /admin/users CRUD, /invite and /admin/generate_link.
import { randomBytes } from 'node:crypto'
import { z } from 'zod'
import { createEmailAccount } from '../accounts.ts'
import type { AuthContext, AuthRequest } from '../context.ts'
import { actionLink, sendInvite } from '../emails.ts'
import { badRequest, internalError, notFound, unprocessable, validationFailed } from '../errors.ts'
import { parseGoDuration } from '../go-duration.ts'
import { createOneTimeToken, generateOtp, tokenHash } from '../one-time-tokens.ts'
import { bool, GOTRUE_BODY_LIMIT, jsonObject, optionalStr, parseParams, readParams, str } from '../params.ts'
import { inTransaction } from '../transaction.ts'
import {
  changePassword,
  confirmEmail,
  DEFAULT_AUD,
  findDuplicateEmailUser,
  findUserByEmail,
  findUserById,
  identityClaims,
  insertIdentity,
  loadIdentities,
  loadUserJson,
  obfuscate,
  updateAppMetadata,
  updateIdentityData,
  updateUserMetadata,
  userJson,
  type UserRow,
} from '../users.ts'
import { checkPasswordStrength, validateEmail } from '../validation.ts'
import { json, readBodyText } from '../../http.ts'
import { notImplementedFeature } from './not-implemented.ts'

const DUPLICATE_EMAIL = 'A user with this email address has already been registered'
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i

const AdminUserParams = z.object({
  id: str,
  aud: str,
  role: str,
  email: str,
  phone: str,
  password: optionalStr,
  password_hash: str,
  email_confirm: bool,
  phone_confirm: bool,
  user_metadata: jsonObject,
  app_metadata: jsonObject,
  ban_duration: str,
})

function banUntil(banDuration: string): Date | null | undefined {
  if (banDuration === '') return undefined
  if (banDuration === 'none') return null
  const ms = parseGoDuration(banDuration)
  if (ms === null) throw validationFailed(`invalid format for ban duration: time: invalid duration "${banDuration}"`)
  return ms === 0 ? null : new Date(Date.now() + ms)
}

export async function createUser(ctx: AuthContext, { req, url }: AuthRequest): Promise<Response> {
  const params = await readParams(req, AdminUserParams)
  const aud = params.aud || DEFAULT_AUD
  if (params.email === '' && params.phone === '') throw validationFailed('Cannot create a user without either an email or phone')
  if (params.phone !== '') return notImplementedFeature(req, url, 'phone users')
  const email = validateEmail(params.email)
  if (await ctx.read((tx) => findDuplicateEmailUser(tx, email, aud))) throw unprocessable('email_exists', DUPLICATE_EMAIL)
  if (params.password !== undefined && params.password_hash !== '') {
    throw validationFailed('Only a password or a password hash should be provided')
  }
  if (params.password_hash !== '') return notImplementedFeature(req, url, 'importing password hashes')
  if (params.password !== undefined && Buffer.byteLength(params.password) > 72) {
    throw validationFailed('bcrypt: password length exceeds 72 bytes')
  }
  if (params.id !== '' && !UUID.test(params.id)) throw validationFailed('ID must conform to the uuid v4 format')
  if (params.id === '00000000-0000-0000-0000-000000000000') throw validationFailed('ID cannot be a nil uuid')
  const bannedUntil = banUntil(params.ban_duration)
  const password = params.password || randomBytes(32).toString('base64url')

  const userId = await inTransaction(ctx, async (tx) => {
    const user = await createEmailAccount(tx, {
      id: params.id || undefined,
      email,
      password,
      data: params.user_metadata ?? {},
      aud,
      role: params.role || undefined,
      metadataFromIdentity: false,
    })
    if (params.app_metadata) await updateAppMetadata(tx, user, params.app_metadata)
    if (params.email_confirm) await confirmEmail(tx, user)
    if (bannedUntil !== undefined) await tx`update auth.users set banned_until = ${bannedUntil} where id = ${user.id}`
    return user.id
  })
  return json(await ctx.read((tx) => loadUserJson(tx, userId)))
}

export async function listUsers(ctx: AuthContext, { url }: AuthRequest): Promise<Response> {
  const page = parsePageNumber(url.searchParams.get('page'), 1)
  const perPage = parsePageNumber(url.searchParams.get('per_page'), 50)
  const filter = url.searchParams.get('filter') ?? ''
  const like = `%${filter}%`
  const { count, users } = await ctx.read(async (tx) => {
    const [{ count }] = await tx<{ count: number }[]>`
      select count(*)::int as count from auth.users
      where aud = ${DEFAULT_AUD} and (${filter} = '' or email like ${like} or raw_user_meta_data->>'full_name' ilike ${like})`
    const ids = await tx<{ id: string }[]>`
      select id from auth.users
      where aud = ${DEFAULT_AUD} and (${filter} = '' or email like ${like} or raw_user_meta_data->>'full_name' ilike ${like})
      order by created_at desc, id
      limit ${perPage} offset ${(page - 1) * perPage}`
    const users = []
    for (const { id } of ids) users.push(await loadUserJson(tx, id))
    return { count, users }
  })
  return json({ users, aud: DEFAULT_AUD }, 200, paginationHeaders(url, page, perPage, count))
}

function parsePageNumber(raw: string | null, fallback: number): number {
  if (raw === null || raw === '') return fallback
  if (!/^\d+$/.test(raw)) throw validationFailed(`Bad Pagination Parameters: strconv.ParseUint: parsing "${raw}": invalid syntax`)
  const value = Number(raw)
  if (value < 1) return fallback
  return Math.min(value, 1_000_000)
}

/** GoTrue's Link (next, last) and X-Total-Count headers, which supabase-js parses. */
function paginationHeaders(url: URL, page: number, perPage: number, total: number): Record<string, string> {
  const totalPages = Math.ceil(total / perPage)
  const linkTo = (n: number) => {
    const query = new URLSearchParams(url.searchParams)
    query.set('page', String(n))
    const sorted = new URLSearchParams([...query].sort(([a], [b]) => a.localeCompare(b)))
    return `</admin/users?${sorted}>`
  }
  let link = ''
  if (totalPages > page) link += `${linkTo(page + 1)}; rel="next", `
  link += `${linkTo(totalPages)}; rel="last"`
  return { link, 'x-total-count': String(total) }
}

async function loadTargetUser(ctx: AuthContext, id: string): Promise<UserRow> {
  if (!UUID.test(id)) throw notFound('validation_failed', 'user_id must be an UUID')
  const user = await ctx.read((tx) => findUserById(tx, id))
  if (!user) throw notFound('user_not_found', 'User not found')
  return user
}

export async function getUserById(ctx: AuthContext, _ar: AuthRequest, id: string): Promise<Response> {
  const user = await loadTargetUser(ctx, id)
  return json(userJson(user, await ctx.read((tx) => loadIdentities(tx, user.id))))
}

export async function updateUserById(ctx: AuthContext, { req }: AuthRequest, id: string): Promise<Response> {
  const user = await loadTargetUser(ctx, id)
  const params = await readParams(req, AdminUserParams)
  const email = params.email !== '' ? validateEmail(params.email) : ''
  if (params.phone !== '') throw badRequest('phone_provider_disabled', 'Phone logins are disabled')
  const bannedUntil = banUntil(params.ban_duration)
  if (params.password !== undefined) checkPasswordStrength(ctx.settings, params.password)
  // GoTrue would fail on the unique index with a 500; a clear 422 is what a caller can act on.
  if (email && email !== user.email && (await ctx.read((tx) => findDuplicateEmailUser(tx, email, user.aud ?? DEFAULT_AUD, user.id)))) {
    throw unprocessable('email_exists', DUPLICATE_EMAIL)
  }
  await inTransaction(ctx, async (tx) => {
    const current = (await findUserById(tx, user.id)) ?? user
    if (params.role) await tx`update auth.users set role = ${params.role} where id = ${user.id}`
    if (params.email_confirm) await confirmEmail(tx, current)
    if (params.password !== undefined) await changePassword(tx, current, params.password || null, null)
    if (email) {
      const identities = await tx<{ id: string }[]>`select id from auth.identities where user_id = ${user.id} and provider = 'email'`
      if (identities.length === 0) {
        await insertIdentity(tx, user.id, 'email', identityClaims(user.id, email, { emailVerified: params.email_confirm ?? false }))
      } else {
        await updateIdentityData(tx, user.id, 'email', { email, email_verified: params.email_confirm ?? false })
      }
      await tx`update auth.users set email = ${email}, updated_at = ${new Date()} where id = ${user.id}`
    }
    if (params.app_metadata) await updateAppMetadata(tx, current, params.app_metadata)
    if (params.user_metadata) await updateUserMetadata(tx, current, params.user_metadata)
    if (bannedUntil !== undefined) await tx`update auth.users set banned_until = ${bannedUntil} where id = ${user.id}`
  })
  return json(await ctx.read((tx) => loadUserJson(tx, user.id)))
}

const DeleteParams = z.object({ should_soft_delete: bool })

export async function deleteUserById(ctx: AuthContext, { req }: AuthRequest, id: string): Promise<Response> {
  const user = await loadTargetUser(ctx, id)
  const body = await readBodyText(req, GOTRUE_BODY_LIMIT).catch(() => '')
  let softDelete = false
  if (body.trim() !== '') {
    let parsed: unknown
    try {
      parsed = JSON.parse(body)
    } catch {
      throw badRequest('bad_json', 'Could not parse request body as JSON')
    }
    softDelete = parseParams(parsed, DeleteParams).should_soft_delete ?? false
  }
  await inTransaction(ctx, async (tx) => {
    if (!softDelete) {
      await tx`delete from auth.users where id = ${user.id}`
      return
    }
    if (user.deleted_at) return
    await tx`
      update auth.users set
        email = ${user.email ? obfuscate(user.id, user.email) : null},
        phone = ${user.phone ? obfuscate(user.id, user.phone).slice(0, 15) : null},
        email_change = ${user.email_change ? obfuscate(user.id, user.email_change) : ''},
        encrypted_password = null, confirmation_token = '', recovery_token = '',
        email_change_token_current = '', email_change_token_new = '', phone_change_token = '',
        raw_user_meta_data = '{}'::jsonb, raw_app_meta_data = '{}'::jsonb, deleted_at = ${new Date()}
      where id = ${user.id}`
    await tx`delete from auth.one_time_tokens where user_id = ${user.id}`
    const identities = await tx<{ id: string; provider: string; provider_id: string }[]>`
      select id, provider, provider_id from auth.identities where user_id = ${user.id}`
    for (const identity of identities) {
      await tx`
        update auth.identities set identity_data = '{}'::jsonb,
          provider_id = ${obfuscate(user.id, `${identity.provider}:${identity.provider_id}`)}
        where id = ${identity.id}`
    }
    await tx`delete from auth.sessions where user_id = ${user.id}`
  })
  return json({})
}

const InviteParams = z.object({ email: str, data: jsonObject })

export async function invite(ctx: AuthContext, { req, url }: AuthRequest): Promise<Response> {
  const params = await readParams(req, InviteParams)
  const email = validateEmail(params.email)
  const referrer = ctx.redirects.referrer(req, url)
  const userId = await inTransaction(ctx, async (tx, outbox) => {
    let user = await findUserByEmail(tx, email)
    if (user?.email_confirmed_at) throw unprocessable('email_exists', DUPLICATE_EMAIL)
    user ??= await createEmailAccount(tx, { email, password: null, data: params.data ?? {}, metadataFromIdentity: false })
    await sendInvite(ctx, tx, outbox, user, { referrer })
    return user.id
  })
  return json(await ctx.read((tx) => loadUserJson(tx, userId)))
}

const GenerateLinkParams = z.object({
  type: str,
  email: str,
  new_email: str,
  password: str,
  data: jsonObject,
  redirect_to: str,
})

const LINK_TYPES = ['signup', 'magiclink', 'recovery', 'invite', 'email_change_current', 'email_change_new']

/** GoTrue's adminGenerateLink: makes the link an email would carry, without sending one. */
export async function generateLink(ctx: AuthContext, { req, url }: AuthRequest): Promise<Response> {
  const params = await readParams(req, GenerateLinkParams)
  const email = validateEmail(params.email)
  let referrer = ctx.redirects.referrer(req, url)
  if (ctx.redirects.isAllowed(params.redirect_to)) referrer = params.redirect_to
  let type = params.type
  let password = params.password
  const existing = await ctx.read((tx) => findUserByEmail(tx, email))
  if (!existing) {
    if (type === 'magiclink') {
      type = 'signup'
      password = randomBytes(48).toString('base64url')
    } else if (['recovery', 'email_change_current', 'email_change_new'].includes(type)) {
      throw notFound('user_not_found', 'User with this email not found')
    }
  }
  if (!LINK_TYPES.includes(type)) throw validationFailed(`Invalid email action link type requested: ${type}`)
  if (type === 'signup' && !existing) {
    if (password === '') throw validationFailed('Signup requires a valid password')
    checkPasswordStrength(ctx.settings, password)
  }
  const otp = generateOtp(ctx.settings.otpLength)
  const hashedToken = tokenHash(email, otp)

  const result = await inTransaction(ctx, async (tx) => {
    let user = existing ? ((await findUserById(tx, existing.id)) ?? existing) : null
    const now = new Date()
    let linkType = type
    let linkToken = hashedToken
    if (type === 'magiclink' || type === 'recovery') {
      await tx`update auth.users set recovery_token = ${hashedToken}, recovery_sent_at = ${now} where id = ${user!.id}`
      await createOneTimeToken(tx, user!.id, 'recovery_token', email, hashedToken)
    } else if (type === 'invite' || type === 'signup') {
      if (user?.email_confirmed_at) throw unprocessable('email_exists', DUPLICATE_EMAIL)
      if (user && type === 'signup' && params.data) await updateUserMetadata(tx, user, params.data)
      user ??= await createEmailAccount(tx, {
        email,
        password: type === 'signup' ? password : null,
        data: params.data ?? {},
        metadataFromIdentity: false,
      })
      if (type === 'invite') {
        await tx`update auth.users set confirmation_token = ${hashedToken}, confirmation_sent_at = ${now}, invited_at = ${now} where id = ${user.id}`
      } else {
        await tx`update auth.users set confirmation_token = ${hashedToken}, confirmation_sent_at = ${now} where id = ${user.id}`
      }
      await createOneTimeToken(tx, user.id, 'confirmation_token', email, hashedToken)
    } else {
      if (type === 'email_change_current' && !ctx.settings.secureEmailChange) {
        throw validationFailed('Enable secure email change to generate link for current email')
      }
      const newEmail = validateEmail(params.new_email)
      if (await findDuplicateEmailUser(tx, newEmail, user!.aud ?? DEFAULT_AUD, user!.id)) throw unprocessable('email_exists', DUPLICATE_EMAIL)
      const current = type === 'email_change_current' ? hashedToken : ''
      const fresh = type === 'email_change_new' ? tokenHash(newEmail, otp) : ''
      await tx`
        update auth.users set email_change = ${newEmail}, email_change_sent_at = ${now}, email_change_confirm_status = 0,
          email_change_token_current = ${current}, email_change_token_new = ${fresh}
        where id = ${user!.id}`
      if (current) await createOneTimeToken(tx, user!.id, 'email_change_token_current', email, current)
      if (fresh) await createOneTimeToken(tx, user!.id, 'email_change_token_new', newEmail, fresh)
      linkType = 'email_change'
      linkToken = current || fresh
    }
    if (!user) throw internalError('Database error finding user')
    return { userId: user.id, link: actionLink(ctx, linkToken, linkType, referrer) }
  })

  const user = await ctx.read((tx) => loadUserJson(tx, result.userId))
  return json({
    ...user,
    action_link: result.link,
    email_otp: otp,
    hashed_token: hashedToken,
    verification_type: type,
    redirect_to: referrer,
  })
}
