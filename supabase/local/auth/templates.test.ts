// The Go-template subset and FlowStory's five email templates, rendered as GoTrue would.
import { renderGoTemplate, TemplateError } from './go-template.ts'
import { createMailer, htmlToText } from './mailer.ts'
import { EMAIL_TEMPLATE_KINDS, loadAuthSettings } from './settings.ts'

const SITE = 'http://localhost:3000'
const settings = loadAuthSettings(SITE)
const mailer = createMailer(settings)

const data = (locale?: string) => ({
  ConfirmationURL: 'http://127.0.0.1:54321/auth/v1/verify?token=abc&type=signup&redirect_to=http://localhost:3000',
  Email: 'ana@example.com',
  NewEmail: 'ana.lima@example.com',
  Token: '123456',
  TokenHash: 'pkce_0123456789abcdef',
  Data: locale ? { locale, display_name: 'Ana <Lima>' } : {},
  RedirectTo: SITE,
  SiteURL: SITE,
})

describe('Go-template subset', () => {
  it('renders fields, nested data and if/else-if/else with eq', () => {
    const template = '{{ .Email }}|{{ .Data.name }}|{{ if eq .Data.locale "en" }}EN{{ else if eq .Data.locale "es" }}ES{{ else }}PT{{ end }}'
    expect(renderGoTemplate(template, { Email: 'a@b.c', Data: { name: 'Ana', locale: 'en' } })).toBe('a@b.c|Ana|EN')
    expect(renderGoTemplate(template, { Email: 'a@b.c', Data: { locale: 'es' } })).toBe('a@b.c||ES')
    expect(renderGoTemplate(template, { Email: 'a@b.c', Data: {} })).toBe('a@b.c||PT')
  })

  it('escapes HTML in values as html/template does', () => {
    expect(renderGoTemplate('<b>{{ .X }}</b>', { X: `<script>"'&` })).toBe('<b>&lt;script&gt;&#34;&#39;&amp;</b>')
  })

  it('supports trimming, comments, not/and/or and truthiness', () => {
    expect(renderGoTemplate('a  {{- /* note */ -}}  b', {})).toBe('ab')
    expect(renderGoTemplate('{{ if not .Missing }}none{{ end }}', {})).toBe('none')
    expect(renderGoTemplate('{{ if and .A .B }}both{{ else }}not both{{ end }}', { A: 1, B: '' })).toBe('not both')
    expect(renderGoTemplate('{{ if or .A .B }}one{{ end }}', { A: '', B: 'x' })).toBe('one')
    expect(renderGoTemplate('{{ if ne .A "x" }}differs{{ end }}', { A: 'y' })).toBe('differs')
  })

  it('refuses what it does not support instead of rendering something wrong', () => {
    expect(() => renderGoTemplate('{{ range .Items }}x{{ end }}', {})).toThrow(TemplateError)
    expect(() => renderGoTemplate('{{ if .A }}unclosed', {})).toThrow(TemplateError)
    expect(() => renderGoTemplate('{{ printf "%s" .A }}', {})).toThrow(TemplateError)
  })
})

describe('FlowStory email templates', () => {
  const linkTypes = { confirmation: 'signup', magic_link: 'magiclink', recovery: 'recovery', invite: 'invite', email_change: 'email_change' }

  it.each(EMAIL_TEMPLATE_KINDS)('%s links to the app’s /auth/confirm with the token hash, in both languages', async (kind) => {
    for (const locale of ['en', undefined]) {
      const mail = await mailer.render(kind, 'ana@example.com', data(locale))
      expect(mail.html).toContain(`href="${SITE}/auth/confirm?token_hash=pkce_0123456789abcdef&amp;type=${linkTypes[kind]}"`)
      expect(mail.html).toContain(locale === 'en' ? 'lang="en"' : 'lang="pt-BR"')
      expect(mail.html).toContain('flowstory')
      expect(mail.html).toContain('#6C63FF')
      expect(mail.html).not.toContain('{{')
      expect(mail.subject).toBe(settings.templates[kind].subject)
      expect(mail.text).toContain(`${SITE}/auth/confirm?token_hash=pkce_0123456789abcdef&type=${linkTypes[kind]}`)
    }
  })

  it('greets by name, escaping it, and shows the code where a code can be typed', async () => {
    const mail = await mailer.render('magic_link', 'ana@example.com', data('en'))
    expect(mail.html).toContain('Hi Ana &lt;Lima&gt;,')
    expect(mail.text).toMatch(/^123456$/m)
  })

  it('names both addresses in the email-change email', async () => {
    const mail = await mailer.render('email_change', 'ana@example.com', data())
    expect(mail.html).toContain('ana@example.com')
    expect(mail.html).toContain('ana.lima@example.com')
    expect(mail.html).toContain('Confirmar a troca')
  })

  it('turns HTML into readable text', () => {
    expect(htmlToText('<p>Hello&nbsp;<b>Ana</b></p><p><a href="http://x.test/?a=1&amp;b=2">Open</a></p>')).toBe(
      'Hello Ana\n\nOpen: http://x.test/?a=1&b=2',
    )
  })
})
