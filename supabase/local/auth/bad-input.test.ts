// Every endpoint answers bad input with a 4xx and a message a person can act on — never a
// 500 — in GoTrue's error shapes, and the gateway rules (apikey, 404, 501) hold.
import { authFetch, env, SUPABASE_URL, uniqueEmail } from './test-support.ts'

const service = { apikey: env.SUPABASE_SERVICE_ROLE_KEY, authorization: `Bearer ${env.SUPABASE_SERVICE_ROLE_KEY}` }

const BODY_ENDPOINTS: { path: string; method: string; headers?: Record<string, string> }[] = [
  { path: '/signup', method: 'POST' },
  { path: '/token?grant_type=password', method: 'POST' },
  { path: '/token?grant_type=refresh_token', method: 'POST' },
  { path: '/token?grant_type=pkce', method: 'POST' },
  { path: '/otp', method: 'POST' },
  { path: '/magiclink', method: 'POST' },
  { path: '/verify', method: 'POST' },
  { path: '/recover', method: 'POST' },
  { path: '/resend', method: 'POST' },
  { path: '/invite', method: 'POST', headers: service },
  { path: '/admin/users', method: 'POST', headers: service },
  { path: '/admin/generate_link', method: 'POST', headers: service },
]

describe('bad bodies', () => {
  it.each(BODY_ENDPOINTS)('$method $path: non-JSON → 400 bad_json', async ({ path, method, headers }) => {
    const response = await authFetch(path, { method, headers, body: 'email=ana@example.com' })
    expect(response.status).toBe(400)
    const body = await response.json()
    expect(body.code).toBe('bad_json')
    expect(body.message).toMatch(/Could not parse request body as JSON/)
  })

  it.each(BODY_ENDPOINTS)('$method $path: a field of the wrong type → 400 bad_json naming it', async ({ path, method, headers }) => {
    const response = await authFetch(path, { method, headers, body: JSON.stringify({ email: 42, password: 42, type: 42, refresh_token: 42, auth_code: 42 }) })
    expect(response.status).toBe(400)
    const body = await response.json()
    expect(body.code).toBe('bad_json')
    expect(body.message).toMatch(/must be a string/)
  })

  it.each(BODY_ENDPOINTS)('$method $path: a body over 1 MiB → 413', async ({ path, method, headers }) => {
    const response = await authFetch(path, { method, headers, body: JSON.stringify({ email: 'x'.repeat(1024 * 1024) }) })
    expect(response.status).toBe(413)
    expect((await response.json()).code).toBe('request_entity_too_large')
  })

  it.each(BODY_ENDPOINTS)('$method $path: an empty object → 4xx with a message', async ({ path, method, headers }) => {
    const response = await authFetch(path, { method, headers, body: '{}' })
    expect(response.status).toBeGreaterThanOrEqual(400)
    expect(response.status).toBeLessThan(500)
    expect((await response.json()).message).toEqual(expect.any(String))
  })

  it.each(BODY_ENDPOINTS.filter((e) => !e.path.startsWith('/token')))('$method $path: a malformed email → 4xx', async ({ path, method, headers }) => {
    const response = await authFetch(path, {
      method,
      headers,
      body: JSON.stringify({ email: 'ana@@example', password: 'long enough password', type: 'signup', token: '123456' }),
    })
    expect([400, 422]).toContain(response.status)
    expect((await response.json()).code).toBe('validation_failed')
  })
})

describe('error shapes', () => {
  it('uses { code, message } and echoes the API version for clients that send it', async () => {
    const response = await authFetch('/signup', { method: 'POST', body: JSON.stringify({ email: 'bad', password: 'long enough password' }) })
    expect(response.headers.get('x-supabase-api-version')).toBe('2024-01-01')
    expect(await response.json()).toEqual({ code: 'validation_failed', message: 'Unable to validate email address: invalid format' })
  })

  it('uses GoTrue’s legacy { code, error_code, msg } for clients that do not', async () => {
    const response = await authFetch('/signup', { method: 'POST', apiVersion: false, body: JSON.stringify({ email: 'bad', password: 'long enough password' }) })
    expect(response.headers.get('x-supabase-api-version')).toBeNull()
    expect(response.headers.get('x-sb-error-code')).toBe('validation_failed')
    expect(await response.json()).toEqual({ code: 400, error_code: 'validation_failed', msg: 'Unable to validate email address: invalid format' })
  })

  it('puts weak_password reasons in both shapes', async () => {
    const body = JSON.stringify({ email: uniqueEmail(), password: '1' })
    const current = await (await authFetch('/signup', { method: 'POST', body })).json()
    expect(current).toMatchObject({ code: 'weak_password', weak_password: { reasons: ['length'] } })
    const legacy = await (await authFetch('/signup', { method: 'POST', body, apiVersion: false })).json()
    expect(legacy).toMatchObject({ code: 422, error_code: 'weak_password', weak_password: { reasons: ['length'] } })
  })
})

describe('gateway rules', () => {
  it('requires an apikey (header or query) on every endpoint but the ones email links open', async () => {
    const missing = await fetch(`${SUPABASE_URL}/auth/v1/settings`)
    expect(missing.status).toBe(401)
    expect((await missing.json()).message).toBe('No API key found in request')
    const wrong = await fetch(`${SUPABASE_URL}/auth/v1/settings`, { headers: { apikey: 'sb_publishable_not-ours' } })
    expect(wrong.status).toBe(401)
    expect((await wrong.json()).message).toBe('Invalid API key')
    const inQuery = await fetch(`${SUPABASE_URL}/auth/v1/settings?apikey=${env.SUPABASE_ANON_KEY}`)
    expect(inQuery.status).toBe(200)
    const jwks = await fetch(`${SUPABASE_URL}/auth/v1/.well-known/jwks.json`)
    expect(jwks.status).toBe(200)
  })

  it('answers paths GoTrue does not have with 404, and a wrong method with 405', async () => {
    const unknown = await authFetch('/no-such-endpoint')
    expect(unknown.status).toBe(404)
    expect(await unknown.text()).toBe('404 page not found\n')
    expect((await authFetch('/signup')).status).toBe(405)
  })

  it.each([
    ['GET', '/authorize?provider=github'],
    ['POST', '/factors'],
    ['POST', '/sso'],
    ['GET', '/user/identities/authorize'],
    ['POST', '/token?grant_type=id_token'],
    ['GET', '/reauthenticate'],
  ])('answers the real GoTrue endpoint %s %s it does not implement with 501 naming it', async (method, path) => {
    const response = await authFetch(path, { method, body: method === 'POST' ? '{}' : undefined })
    expect(response.status).toBe(501)
    const body = await response.json()
    expect(body.error_code).toBe('not_implemented')
    expect(body.msg).toContain(path.split('?')[0])
  })
})

describe('discovery endpoints', () => {
  it('serves settings, health and the JWKS', async () => {
    const settings = await (await authFetch('/settings')).json()
    expect(settings).toMatchObject({ disable_signup: false, mailer_autoconfirm: false, external: { email: true, phone: false, github: false } })
    const health = await (await authFetch('/health')).json()
    expect(health.name).toBe('GoTrue')
    const jwks = await (await authFetch('/.well-known/jwks.json')).json()
    expect(jwks.keys).toHaveLength(1)
    expect(jwks.keys[0]).toMatchObject({ kty: 'EC', crv: 'P-256', alg: 'ES256', use: 'sig', kid: expect.any(String) })
    expect(jwks.keys[0]).not.toHaveProperty('d')
  })
})
