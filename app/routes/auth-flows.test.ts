// What a person sees when sign-up and sign-in go wrong, through the real actions against
// the local stack: messages they can act on, the right status, nothing half-created.
import postgres from 'postgres'
import { inject } from 'vitest'
import { cookiesFrom, createConfirmedUser, formPost, respond } from '../../tests/helpers/app-requests.ts'
import { action as confirmAction } from './auth.confirm.tsx'
import { action as localeAction } from './locale.tsx'
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
