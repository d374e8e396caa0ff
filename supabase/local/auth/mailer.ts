// GoTrue's template mailer: renders the subject and content_path templates configured in
// config.toml ([auth.email.template.*]) with GoTrue's variables, falling back to GoTrue's
// built-in templates, and adds a plain-text part derived from the HTML. Templates are read
// on every send so editing one shows up in the next email, like GoTrue's template reload.
import fs from 'node:fs/promises'
import type { OutgoingMail } from '../mail/mailbox.ts'
import { renderGoTemplate } from './go-template.ts'
import type { AuthSettings, EmailTemplateKind } from './settings.ts'

export type TemplateData = {
  SiteURL: string
  ConfirmationURL: string
  Email: string
  NewEmail?: string
  SendingTo?: string
  Token: string
  TokenHash: string
  Data: Record<string, unknown>
  RedirectTo: string
}

const DEFAULT_SUBJECTS: Record<EmailTemplateKind, string> = {
  invite: "You've been invited",
  confirmation: 'Confirm your email address',
  recovery: 'Reset your password',
  magic_link: 'Your sign-in link',
  email_change: 'Confirm your new email address',
}

const DEFAULT_BODIES: Record<EmailTemplateKind, string> = {
  invite: `<h2>You've been invited</h2>\n\n<p>You've been invited to create an account. Follow the link below to accept.</p>\n<p><a href="{{ .ConfirmationURL }}">Accept invitation</a></p>`,
  confirmation: `<h2>Confirm your email address</h2>\n\n<p>Follow the link below to confirm this email address and finish signing up.</p>\n<p><a href="{{ .ConfirmationURL }}">Confirm email address</a></p>\n`,
  recovery: `<h2>Reset your password</h2>\n\n<p>We received a request to reset your password. Follow the link below to choose a new one.</p>\n<p><a href="{{ .ConfirmationURL }}">Reset password</a></p>\n<p>If you didn't request this, you can safely ignore this email.</p>`,
  magic_link: `<h2>Your sign-in link</h2>\n\n<p>Follow the link below to sign in. This link expires shortly and can only be used once.</p>\n<p><a href="{{ .ConfirmationURL }}">Sign in</a></p>`,
  email_change: `<h2>Confirm your new email address</h2>\n\n<p>Follow the link below to confirm {{ .NewEmail }} as your new email address.</p>\n<p><a href="{{ .ConfirmationURL }}">Confirm new email address</a></p>\n<p>If you didn't request this change, you can safely ignore this email.</p>`,
}

export type Mailer = { render(kind: EmailTemplateKind, to: string, data: TemplateData): Promise<OutgoingMail> }

export function createMailer(settings: AuthSettings): Mailer {
  return {
    async render(kind, to, data) {
      const configured = settings.templates[kind]
      const subjectSource = configured.subject ?? DEFAULT_SUBJECTS[kind]
      let bodySource = DEFAULT_BODIES[kind]
      if (configured.contentPath) {
        try {
          bodySource = await fs.readFile(configured.contentPath, 'utf8')
        } catch (error) {
          // GoTrue keeps using its default body when a template cannot be loaded.
          if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error
        }
      }
      const values = { ...data, Data: data.Data ?? {} }
      const html = renderGoTemplate(bodySource, values)
      return { to, subject: renderGoTemplate(subjectSource, values), html, text: htmlToText(html) }
    },
  }
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', '#34': '"', '#39': "'", apos: "'", nbsp: ' ', middot: '·', mdash: '—', ndash: '–', copy: '©' }

/** A readable plain-text alternative: links become "label: url", blocks become lines. */
export function htmlToText(html: string): string {
  const text = html
    .replace(/<!--[\s\S]*?-->/g, '')
    .replace(/<(head|style|script|title)\b[\s\S]*?<\/\1>/gi, '')
    .replace(/<a\b[^>]*\bhref\s*=\s*("([^"]*)"|'([^']*)')[^>]*>([\s\S]*?)<\/a>/gi, (_m, _q, dq, sq, label) => {
      const href = decodeEntities(dq ?? sq ?? '')
      const words = decodeEntities(label.replace(/<[^>]+>/g, '')).replace(/\s+/g, ' ').trim()
      return words && words !== href ? `${words}: ${href}` : href
    })
    .replace(/<br\s*\/?>/gi, '\n')
    .replace(/<\/(p|div|h[1-6]|tr|li|table|section|header|footer)>/gi, '\n\n')
    .replace(/<[^>]+>/g, '')
  return decodeEntities(text)
    .split('\n')
    .map((line) => line.replace(/[ \t\u00a0]+/g, ' ').trim())
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim()
}

function decodeEntities(text: string): string {
  return text.replace(/&(#\d+|#x[0-9a-f]+|[a-z]+);/gi, (match, name: string) => {
    const known = ENTITIES[name.toLowerCase()]
    if (known) return known
    if (name.startsWith('#x') || name.startsWith('#X')) return String.fromCodePoint(Number.parseInt(name.slice(2), 16))
    if (name.startsWith('#')) return String.fromCodePoint(Number(name.slice(1)))
    return match
  })
}
