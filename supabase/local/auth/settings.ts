// The [auth] settings of supabase/config.toml the GoTrue stand-in honours, read once at
// start-up with the same defaults the Supabase CLI applies. The stack's own site URL
// (StackConfig.siteUrl) wins over config.toml's site_url because tests run the app on
// other ports than 3000.
import path from 'node:path'
import { projectRoot } from '../config.ts'
import { DEFAULT_CONFIG_FILE, readConfigToml, tableAt, tableReader } from '../project-config.ts'
import { parseGoDuration } from './go-duration.ts'

export const EMAIL_TEMPLATE_KINDS = ['confirmation', 'magic_link', 'recovery', 'invite', 'email_change'] as const
export type EmailTemplateKind = (typeof EMAIL_TEMPLATE_KINDS)[number]

export type EmailTemplateSetting = { subject: string | null; contentPath: string | null }

export type AuthSettings = {
  siteUrl: string
  additionalRedirectUrls: string[]
  jwtExpirySeconds: number
  refreshTokenRotation: boolean
  refreshTokenReuseIntervalSeconds: number
  signupEnabled: boolean
  anonymousSignInsEnabled: boolean
  emailProviderEnabled: boolean
  phoneProviderEnabled: boolean
  /** GoTrue's MAILER_AUTOCONFIRM is the inverse of [auth.email] enable_confirmations. */
  mailerAutoconfirm: boolean
  secureEmailChange: boolean
  minimumPasswordLength: number
  /** Character sets of which a password needs one character each (password_requirements). */
  requiredCharacterSets: string[]
  emailMaxFrequencyMs: number
  otpLength: number
  otpExpirySeconds: number
  /** Flow states (PKCE) live this long, as GoTrue's default FLOW_STATE_EXPIRY_DURATION. */
  flowStateExpirySeconds: number
  templates: Record<EmailTemplateKind, EmailTemplateSetting>
}

const LOWER = 'abcdefghijklmnopqrstuvwxyz'
const UPPER = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ'
const DIGITS = '0123456789'
const SYMBOLS = '!@#$%^&*()_+-=[]{};\'\\:"|<>?,./`~'

// The CLI translates password_requirements into GoTrue's PASSWORD_REQUIRED_CHARACTERS.
const REQUIREMENT_SETS: Record<string, string[]> = {
  '': [],
  letters_digits: [LOWER + UPPER, DIGITS],
  lower_upper_letters_digits: [LOWER, UPPER, DIGITS],
  lower_upper_letters_digits_symbols: [LOWER, UPPER, DIGITS, SYMBOLS],
}

export function loadAuthSettings(siteUrl: string, configFile = DEFAULT_CONFIG_FILE): AuthSettings {
  const toml = readConfigToml(configFile)
  const reader = (name: string) => tableReader(tableAt(toml, name))
  const auth = reader('auth')
  const email = reader('auth.email')
  const sms = reader('auth.sms')
  const requirements = auth.string('password_requirements', '')
  const requiredCharacterSets = REQUIREMENT_SETS[requirements]
  if (!requiredCharacterSets) {
    throw new Error(`supabase/config.toml: [auth] password_requirements "${requirements}" is not one of ${Object.keys(REQUIREMENT_SETS).filter(Boolean).join(', ')}`)
  }
  const maxFrequency = parseGoDuration(email.string('max_frequency', '1m'))
  if (maxFrequency === null) throw new Error('supabase/config.toml: [auth.email] max_frequency must be a duration such as "1s" or "1m"')
  const templates = {} as Record<EmailTemplateKind, EmailTemplateSetting>
  for (const kind of EMAIL_TEMPLATE_KINDS) {
    const template = reader(`auth.email.template.${kind}`)
    const contentPath = template.string('content_path', '')
    templates[kind] = {
      subject: template.string('subject', '') || null,
      // The CLI resolves content_path against the project folder (where supabase/ lives).
      contentPath: contentPath ? path.resolve(projectRoot, contentPath) : null,
    }
  }
  return {
    siteUrl: siteUrl.replace(/\/+$/, ''),
    additionalRedirectUrls: auth.strings('additional_redirect_urls'),
    jwtExpirySeconds: auth.number('jwt_expiry', 3600),
    refreshTokenRotation: auth.boolean('enable_refresh_token_rotation', true),
    refreshTokenReuseIntervalSeconds: auth.number('refresh_token_reuse_interval', 10),
    signupEnabled: auth.boolean('enable_signup', true),
    anonymousSignInsEnabled: auth.boolean('enable_anonymous_sign_ins', false),
    emailProviderEnabled: email.boolean('enable_signup', true),
    phoneProviderEnabled: sms.boolean('enable_signup', false),
    mailerAutoconfirm: !email.boolean('enable_confirmations', false),
    secureEmailChange: email.boolean('double_confirm_changes', true),
    minimumPasswordLength: Math.max(auth.number('minimum_password_length', 6), 6),
    requiredCharacterSets,
    emailMaxFrequencyMs: maxFrequency,
    otpLength: email.number('otp_length', 6),
    otpExpirySeconds: email.number('otp_expiry', 3600),
    flowStateExpirySeconds: 300,
    templates,
  }
}
