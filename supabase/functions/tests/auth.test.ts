// _shared/auth.ts: only a signed-in user's valid token passes.
import assert from 'node:assert/strict'
import { createAuthenticator } from '../_shared/auth.ts'
import { HttpError } from '../_shared/errors.ts'
import { bearer, testSigner, userClaims } from './helpers.ts'

async function rejection(promise: Promise<unknown>): Promise<HttpError> {
  try {
    await promise
  } catch (error) {
    assert.ok(error instanceof HttpError, `expected an HttpError, got ${error}`)
    return error
  }
  throw new Error('expected the call to be rejected')
}

Deno.test('accepts a user token signed by a key in the JWKS and returns its claims', async () => {
  const signer = await testSigner()
  const claims = userClaims()
  const authenticate = createAuthenticator({ jwks: signer.jwks })
  const verified = await authenticate(bearer(await signer.token(claims)))
  assert.equal(verified.sub, claims.sub)
  assert.equal(verified.email, 'writer@example.com')
})

Deno.test('answers 401 when the Authorization header is missing or not a bearer token', async () => {
  const authenticate = createAuthenticator({ jwks: (await testSigner()).jwks })
  const missing = await rejection(authenticate(new Request('http://functions.local/whoami')))
  assert.equal(missing.status, 401)
  assert.equal(missing.code, 'missing_authorization')
  const basic = await rejection(authenticate(new Request('http://x/', { headers: { authorization: 'Basic abc' } })))
  assert.equal(basic.status, 401)
})

Deno.test('answers 401 for an expired token, a foreign key, or garbage', async () => {
  const signer = await testSigner()
  const stranger = await testSigner()
  const authenticate = createAuthenticator({ jwks: signer.jwks })
  for (const token of [
    await signer.token(userClaims(), -60),
    await stranger.token(userClaims()),
    'not-a-jwt',
  ]) {
    const error = await rejection(authenticate(bearer(token)))
    assert.equal(error.status, 401)
    assert.equal(error.code, 'invalid_jwt')
  }
})

Deno.test('answers 401 for API keys, which are valid JWTs but not users', async () => {
  const signer = await testSigner()
  const authenticate = createAuthenticator({ jwks: signer.jwks })
  for (const role of ['anon', 'service_role']) {
    const error = await rejection(authenticate(bearer(await signer.token({ role, iss: 'supabase-local' }))))
    assert.equal(error.status, 401)
    assert.equal(error.code, 'not_a_user')
  }
})
