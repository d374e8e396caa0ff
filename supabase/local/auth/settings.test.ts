// Reading supabase/config.toml: the small TOML subset, Go durations and the [auth] values.
import fs from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { parseGoDuration } from './go-duration.ts'
import { loadAuthSettings } from './settings.ts'
import { parseTomlSubset } from './toml-subset.ts'

describe('config.toml reader', () => {
  it('reads tables, strings, numbers, booleans and arrays, ignoring comments', () => {
    const tables = parseTomlSubset(`
# comment
[auth]
site_url = "http://localhost:3000" # trailing comment
jwt_expiry = 3600
enable_signup = true
additional_redirect_urls = ["http://a.test/**", 'http://b.test#x']
[auth.email.template.invite]
subject = "Você foi convidado # not a comment"
`)
    expect(tables.get('auth')?.get('site_url')).toBe('http://localhost:3000')
    expect(tables.get('auth')?.get('jwt_expiry')).toBe(3600)
    expect(tables.get('auth')?.get('enable_signup')).toBe(true)
    expect(tables.get('auth')?.get('additional_redirect_urls')).toEqual(['http://a.test/**', 'http://b.test#x'])
    expect(tables.get('auth.email.template.invite')?.get('subject')).toBe('Você foi convidado # not a comment')
  })

  it('parses Go durations', () => {
    expect(parseGoDuration('1s')).toBe(1000)
    expect(parseGoDuration('1h30m')).toBe(5_400_000)
    expect(parseGoDuration('250ms')).toBe(250)
    expect(parseGoDuration('soon')).toBeNull()
  })

  it('applies the project’s [auth] settings with the stack’s own site URL', () => {
    const settings = loadAuthSettings('http://localhost:4123/')
    expect(settings.siteUrl).toBe('http://localhost:4123')
    expect(settings.mailerAutoconfirm).toBe(false)
    expect(settings.secureEmailChange).toBe(true)
    expect(settings.minimumPasswordLength).toBeGreaterThanOrEqual(6)
    expect(settings.templates.confirmation.contentPath).toMatch(/supabase\/templates\/confirmation\.html$/)
  })

  it('falls back to GoTrue’s defaults without a config file and refuses nonsense values', async () => {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'auth-settings-'))
    try {
      const defaults = loadAuthSettings('http://localhost:3000', path.join(dir, 'missing.toml'))
      expect(defaults.jwtExpirySeconds).toBe(3600)
      expect(defaults.templates.invite.contentPath).toBeNull()
      const bad = path.join(dir, 'config.toml')
      await fs.writeFile(bad, '[auth]\npassword_requirements = "emoji_only"\n')
      expect(() => loadAuthSettings('http://localhost:3000', bad)).toThrow(/password_requirements/)
    } finally {
      await fs.rm(dir, { recursive: true, force: true })
    }
  })
})
