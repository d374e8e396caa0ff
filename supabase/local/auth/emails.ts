// GoTrue's emailed flows (sendConfirmation, sendInvite, sendPasswordRecovery,
// sendMagicLink, sendEmailChange): each makes an OTP and its token hash, records them on the
// user and in auth.one_time_tokens, and renders the configured template into the outbox.
import type postgres from 'postgres'
import type { AuthContext } from './context.ts'
import { AuthApiError } from './errors.ts'
import type { TemplateData } from './mailer.ts'
import { createOneTimeToken, generateOtp, tokenHash, withFlowPrefix, type OneTimeTokenType } from './one-time-tokens.ts'
import type { EmailTemplateKind } from './settings.ts'
import type { Outbox } from './transaction.ts'
import type { UserRow } from './users.ts'

type Db = postgres.ISql

export type EmailOptions = { pkce: boolean; referrer: string }

/** GoTrue's validateSentWithinFrequencyLimit ([auth.email] max_frequency). */
export function checkFrequency(ctx: AuthContext, sentAt: Date | null): void {
  if (!sentAt) return
  const allowedAt = sentAt.getTime() + ctx.settings.emailMaxFrequencyMs
  const now = Date.now()
  if (allowedAt > now) {
    const left = Math.floor((allowedAt - now) / 1000)
    throw new AuthApiError(429, 'over_email_send_rate_limit', `For security purposes, you can only request this after ${left} seconds.`)
  }
}

/** GoTrue's email action link: `${external}/verify?token=…&type=…&redirect_to=…`. */
/** The variables GoTrue gives a template about the user and the link being sent. */
function userEmailVariables(ctx: AuthContext, user: UserRow, token: { otp: string; hash: string }, linkType: string, referrer: string) {
  return {
    ConfirmationURL: actionLink(ctx, token.hash, linkType, referrer),
    Email: user.email ?? '',
    Token: token.otp,
    TokenHash: token.hash,
    Data: user.raw_user_meta_data ?? {},
    RedirectTo: referrer,
  }
}

export function actionLink(ctx: AuthContext, token: string, type: string, referrer: string): string {
  // GoTrue leaves an already encoded redirect alone and escapes a raw one.
  const redirect = /[&=#]/.test(referrer) ? encodeURIComponent(referrer) : referrer
  return `${ctx.externalUrl}/verify?token=${encodeURIComponent(token)}&type=${encodeURIComponent(type)}&redirect_to=${redirect}`
}

async function queue(
  ctx: AuthContext,
  outbox: Outbox,
  kind: EmailTemplateKind,
  to: string,
  data: Omit<TemplateData, 'SiteURL'>,
): Promise<void> {
  try {
    outbox.push(await ctx.mailer.render(kind, to, { SiteURL: ctx.settings.siteUrl, ...data }))
  } catch (error) {
    throw new AuthApiError(500, 'unexpected_failure', `Error sending ${kind.replace('_', ' ')} email`, { cause: error })
  }
}

async function issueToken(db: Db, user: UserRow, column: 'confirmation_token' | 'recovery_token', type: OneTimeTokenType, otpLength: number, pkce: boolean) {
  const email = user.email ?? ''
  const otp = generateOtp(otpLength)
  const hash = withFlowPrefix(tokenHash(email, otp), pkce)
  const now = new Date()
  if (column === 'confirmation_token') {
    await db`update auth.users set confirmation_token = ${hash}, confirmation_sent_at = ${now}, updated_at = ${now} where id = ${user.id}`
    user.confirmation_token = hash
    user.confirmation_sent_at = now
  } else {
    await db`update auth.users set recovery_token = ${hash}, recovery_sent_at = ${now}, updated_at = ${now} where id = ${user.id}`
    user.recovery_token = hash
    user.recovery_sent_at = now
  }
  await createOneTimeToken(db, user.id, type, email, hash)
  return { otp, hash }
}

export async function sendConfirmation(ctx: AuthContext, db: Db, outbox: Outbox, user: UserRow, options: EmailOptions) {
  checkFrequency(ctx, user.confirmation_sent_at)
  const { otp, hash } = await issueToken(db, user, 'confirmation_token', 'confirmation_token', ctx.settings.otpLength, options.pkce)
  await queue(ctx, outbox, 'confirmation', user.email ?? '', userEmailVariables(ctx, user, { otp, hash }, 'signup', options.referrer))
}

export async function sendInvite(ctx: AuthContext, db: Db, outbox: Outbox, user: UserRow, options: { referrer: string }) {
  const { otp, hash } = await issueToken(db, user, 'confirmation_token', 'confirmation_token', ctx.settings.otpLength, false)
  const now = new Date()
  await db`update auth.users set invited_at = ${now} where id = ${user.id}`
  user.invited_at = now
  await queue(ctx, outbox, 'invite', user.email ?? '', userEmailVariables(ctx, user, { otp, hash }, 'invite', options.referrer))
}

export async function sendRecovery(ctx: AuthContext, db: Db, outbox: Outbox, user: UserRow, options: EmailOptions) {
  checkFrequency(ctx, user.recovery_sent_at)
  const { otp, hash } = await issueToken(db, user, 'recovery_token', 'recovery_token', ctx.settings.otpLength, options.pkce)
  await queue(ctx, outbox, 'recovery', user.email ?? '', userEmailVariables(ctx, user, { otp, hash }, 'recovery', options.referrer))
}

/** A magic link is a recovery token with its own template (GoTrue shares the columns). */
export async function sendMagicLink(ctx: AuthContext, db: Db, outbox: Outbox, user: UserRow, options: EmailOptions) {
  checkFrequency(ctx, user.recovery_sent_at)
  const { otp, hash } = await issueToken(db, user, 'recovery_token', 'recovery_token', ctx.settings.otpLength, options.pkce)
  await queue(ctx, outbox, 'magic_link', user.email ?? '', userEmailVariables(ctx, user, { otp, hash }, 'magiclink', options.referrer))
}

/**
 * An email change sends the new address a link and, with double_confirm_changes (GoTrue's
 * SECURE_EMAIL_CHANGE_ENABLED), the current address one too; both must be followed.
 */
export async function sendEmailChange(ctx: AuthContext, db: Db, outbox: Outbox, user: UserRow, newEmail: string, options: EmailOptions) {
  checkFrequency(ctx, user.email_change_sent_at)
  const current = user.email ?? ''
  const otpNew = generateOtp(ctx.settings.otpLength)
  const hashNew = withFlowPrefix(tokenHash(newEmail, otpNew), options.pkce)
  const secure = ctx.settings.secureEmailChange && current !== ''
  const otpCurrent = secure ? generateOtp(ctx.settings.otpLength) : ''
  const hashCurrent = secure ? withFlowPrefix(tokenHash(current, otpCurrent), options.pkce) : ''
  const now = new Date()
  await db`
    update auth.users set email_change = ${newEmail}, email_change_token_new = ${hashNew},
      email_change_token_current = ${hashCurrent}, email_change_confirm_status = 0,
      email_change_sent_at = ${now}, updated_at = ${now}
    where id = ${user.id}`
  Object.assign(user, {
    email_change: newEmail,
    email_change_token_new: hashNew,
    email_change_token_current: hashCurrent,
    email_change_confirm_status: 0,
    email_change_sent_at: now,
  })
  if (hashCurrent) await createOneTimeToken(db, user.id, 'email_change_token_current', current, hashCurrent)
  await createOneTimeToken(db, user.id, 'email_change_token_new', newEmail, hashNew)
  const letters = [{ to: newEmail, otp: otpNew, hash: hashNew }]
  if (secure) letters.push({ to: current, otp: otpCurrent, hash: hashCurrent })
  for (const letter of letters) {
    await queue(ctx, outbox, 'email_change', letter.to, {
      ConfirmationURL: actionLink(ctx, letter.hash, 'email_change', options.referrer),
      Email: current,
      NewEmail: newEmail,
      SendingTo: letter.to,
      Token: letter.otp,
      TokenHash: letter.hash,
      Data: user.raw_user_meta_data ?? {},
      RedirectTo: options.referrer,
    })
  }
}
