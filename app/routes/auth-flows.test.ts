// What a person sees when sign-up and sign-in go wrong, through the real actions against
// the local stack: messages they can act on, the right status, nothing half-created.
import postgres from 'postgres'
import { inject } from 'vitest'
import { cookiesFrom, createConfirmedUser, formPost, get, respond } from '../../tests/helpers/app-requests.ts'
import { waitForEmailLink } from '../../tests/helpers/mailbox.ts'
import { loader as appLoader } from './app.tsx'
import { action as confirmAction } from './auth.confirm.tsx'
import { action as forgotAction } from './forgot-password.tsx'
import { action as localeAction } from './locale.tsx'
import { action as resetAction } from './reset-password.tsx'
import { action as loginAction } from './login.tsx'
import { action as signupAction } from './signup.tsx'

const env = inject('stackEnv')
const sql = postgres(env.SUPABASE_DB_URL, { prepare: false, onnotice: () => {} })
afterAll(() => sql.end())

const usersWithEmail = async (email: string) => (await sql`select count(*)::int as n from auth.users where email = ${email}`)[0].n
const unique = (name: string) => `${name}-${Math.random().toString(36).slice(2, 10)}@example.com`

describe('sign-up', () => {
  it('rejects a malformed email with a field message and creates nobody', async () => {
    const response = await respond(signupAction({ request: formPost('/signup', { displayName: 'Ana', email: 'ana@', password: 'long enough pw' }), params: {}, context: {} }))
    expect(response.status).toBe(400)
    expect((await response.json()).fieldErrors).toEqual({ email: 'validation.email' })
  })

  it('rejects a short password before asking Auth', async () => {
    const email = unique('short')
    const response = await respond(signupAction({ request: formPost('/signup', { displayName: 'Ana', email, password: 'abc' }), params: {}, context: {} }))
    expect(response.status).toBe(400)
    expect((await response.json()).fieldErrors).toEqual({ password: 'validation.passwordMin' })
    expect(await usersWithEmail(email)).toBe(0)
  })

  it('answers a JSON or oversized body with a 4xx, not a crash', async () => {
    const json = new Request('http://localhost:3000/signup', { method: 'POST', body: '{"email":"x"}', headers: { 'content-type': 'application/json' } })
    expect((await respond(signupAction({ request: json, params: {}, context: {} }))).status).toBe(415)
    const huge = formPost('/signup', { displayName: 'x'.repeat(100_000), email: 'a@b.co', password: 'long enough pw' })
    expect((await respond(signupAction({ request: huge, params: {}, context: {} }))).status).toBe(413)
  })

  it('tells an unconfirmed writer to confirm, and offers to resend', async () => {
    const email = unique('unconfirmed')
    const signup = await respond(signupAction({ request: formPost('/signup', { displayName: 'Bia', email, password: 'a good password' }), params: {}, context: {} }))
    expect(signup.status).toBe(200)
    expect(await signup.json()).toMatchObject({ status: 'sent', email })
    const login = await respond(loginAction({ request: formPost('/login', { intent: 'password', email, password: 'a good password' }), params: {}, context: {} }))
    expect(login.status).toBe(400)
    expect(await login.json()).toMatchObject({ fieldErrors: { form: 'auth.error.emailNotConfirmed' }, unconfirmed: true })
  })
})

describe('sign-in', () => {
  it('says the credentials are wrong without saying which', async () => {
    const user = await createConfirmedUser(env, 'Caio')
    for (const attempt of [{ email: user.email, password: 'not the password' }, { email: unique('nobody'), password: 'whatever123' }]) {
      const response = await respond(loginAction({ request: formPost('/login', { intent: 'password', ...attempt }), params: {}, context: {} }))
      expect(response.status).toBe(400)
      expect((await response.json()).fieldErrors).toEqual({ form: 'auth.error.invalidCredentials' })
    }
  })

  it('signs in, sets the session cookies and only follows same-site redirects', async () => {
    const user = await createConfirmedUser(env, 'Davi')
    const response = await respond(
      loginAction({ request: formPost('/login', { intent: 'password', email: user.email, password: user.password, redirectTo: '//evil.example/x' }), params: {}, context: {} }),
    )
    expect(response.status).toBe(302)
    expect(response.headers.get('location')).toBe('/app')
    expect(cookiesFrom(response)).toMatch(/sb-[\w-]+-auth-token/)
  })

  it('does not reveal whether an address has an account when sending a magic link', async () => {
    const user = await createConfirmedUser(env, 'Eva')
    const known = await respond(loginAction({ request: formPost('/login', { intent: 'magic', email: user.email }), params: {}, context: {} }))
    const unknown = await respond(loginAction({ request: formPost('/login', { intent: 'magic', email: unique('ghost') }), params: {}, context: {} }))
    expect(known.status).toBe(200)
    expect(unknown.status).toBe(200)
    expect((await known.json()).status).toBe('magicSent')
    expect((await unknown.json()).status).toBe('magicSent')
  })
})

describe('forms from other sites', () => {
  it('refuses a sign-in posted from another origin, and accepts the app’s own', async () => {
    const user = await createConfirmedUser(env, 'Ivo')
    const fields = { intent: 'password', email: user.email, password: user.password }
    const crossSite = formPost('/login', fields)
    crossSite.headers.set('origin', 'https://evil.example')
    expect((await respond(loginAction({ request: crossSite, params: {}, context: {} }))).status).toBe(403)
    const sameSite = formPost('/login', fields)
    sameSite.headers.set('origin', 'http://localhost:3000')
    expect((await respond(loginAction({ request: sameSite, params: {}, context: {} }))).status).toBe(302)
  })
})

describe('email links', () => {
  it('explains that a bad or used link has expired', async () => {
    const response = await respond(confirmAction({ request: formPost('/auth/confirm', { token_hash: 'f'.repeat(56), type: 'signup' }), params: {}, context: {} }))
    expect(response.status).toBe(400)
    expect((await response.json()).error).toBe('auth.error.linkExpired')
  })

  it('rejects an incomplete link', async () => {
    const response = await respond(confirmAction({ request: formPost('/auth/confirm', { type: 'nonsense' }), params: {}, context: {} }))
    expect(response.status).toBe(400)
    expect((await response.json()).error).toBe('auth.confirm.invalidLink')
  })
})

describe('language switch', () => {
  it('keeps a visitor’s choice in a cookie and refuses unknown languages', async () => {
    const ok = await respond(localeAction({ request: formPost('/locale', { locale: 'en', redirectTo: '/login' }), params: {}, context: {} }))
    expect(ok.status).toBe(302)
    expect(ok.headers.get('location')).toBe('/login')
    expect(cookiesFrom(ok)).toContain('flowstory_lang=')
    const bad = await respond(localeAction({ request: formPost('/locale', { locale: 'klingon' }), params: {}, context: {} }))
    expect(bad.status).toBe(400)
  })
})

describe('email journeys', () => {
  const linkParams = (link: string) => Object.fromEntries(new URL(link).searchParams) as { token_hash: string; type: string }

  it('signs a writer in with a magic link', async () => {
    const user = await createConfirmedUser(env, 'Gil')
    const sent = await respond(loginAction({ request: formPost('/login', { intent: 'magic', email: user.email }), params: {}, context: {} }))
    expect(sent.status).toBe(200)
    const link = await waitForEmailLink(env.MAILPIT_URL, user.email, /\/auth\/confirm\?token_hash=.*type=magiclink/)
    const confirmed = await respond(confirmAction({ request: formPost('/auth/confirm', linkParams(link)), params: {}, context: {} }))
    expect(confirmed.status).toBe(302)
    expect(confirmed.headers.get('location')).toBe('/app')
    const home = await respond(appLoader({ request: get('/app', cookiesFrom(confirmed)), params: {}, context: {} }))
    expect(home.headers.get('location')).toMatch(/^\/w\/[0-9a-f-]{36}$/)
    // The same link cannot be used twice.
    const reused = await respond(confirmAction({ request: formPost('/auth/confirm', linkParams(link)), params: {}, context: {} }))
    expect(reused.status).toBe(400)
    expect((await reused.json()).error).toBe('auth.error.linkExpired')
  })

  it('resets a forgotten password through the emailed link', async () => {
    const user = await createConfirmedUser(env, 'Hana')
    const sent = await respond(forgotAction({ request: formPost('/forgot-password', { email: user.email }), params: {}, context: {} }))
    expect(sent.status).toBe(200)
    const link = await waitForEmailLink(env.MAILPIT_URL, user.email, /\/auth\/confirm\?token_hash=.*type=recovery/)
    const confirmed = await respond(confirmAction({ request: formPost('/auth/confirm', linkParams(link)), params: {}, context: {} }))
    expect(confirmed.headers.get('location')).toBe('/reset-password')
    const cookie = cookiesFrom(confirmed)

    const tooShort = await respond(resetAction({ request: formPost('/reset-password', { password: 'short' }, cookie), params: {}, context: {} }))
    expect(tooShort.status).toBe(400)
    const changed = await respond(resetAction({ request: formPost('/reset-password', { password: 'a brand new password' }, cookie), params: {}, context: {} }))
    expect(changed.status).toBe(302)
    expect(changed.headers.get('location')).toBe('/app?notice=passwordChanged')

    const oldPassword = await respond(loginAction({ request: formPost('/login', { intent: 'password', email: user.email, password: user.password }), params: {}, context: {} }))
    expect(oldPassword.status).toBe(400)
    const newPassword = await respond(loginAction({ request: formPost('/login', { intent: 'password', email: user.email, password: 'a brand new password' }), params: {}, context: {} }))
    expect(newPassword.status).toBe(302)
  })

  it('asks for a session before setting a new password', async () => {
    const response = await respond(resetAction({ request: formPost('/reset-password', { password: 'a brand new password' }), params: {}, context: {} }))
    expect(response.status).toBe(302)
    expect(response.headers.get('location')).toBe('/login?redirectTo=%2Freset-password')
  })
})
