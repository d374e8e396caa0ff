// Reading supabase/config.toml: the small TOML subset, Go durations and the [auth] values.
import fs from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { parseGoDuration } from './go-duration.ts'
import { loadAuthSettings } from './settings.ts'

describe('Auth settings from config.toml', () => {
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
