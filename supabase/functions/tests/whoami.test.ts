// whoami's handler with injected fakes: what the user sees, and that the query runs under
// the caller's verified claims.
import assert from 'node:assert/strict'
import { createAuthenticator, type UserClaims } from '../_shared/auth.ts'
import type { Tx } from '../_shared/db.ts'
import { createWhoamiHandler, type Workspace } from '../whoami/handler.ts'
import { bearer, fakeTx, testSigner, userClaims } from './helpers.ts'

async function setup(rows: Workspace[]) {
  const signer = await testSigner()
  const scopes: UserClaims[] = []
  const { tx, queries } = fakeTx(rows)
  const handler = createWhoamiHandler({
    authenticate: createAuthenticator({ jwks: signer.jwks }),
    withUser: async <T>(claims: UserClaims, fn: (tx: Tx) => Promise<T>) => {
      scopes.push(claims)
      return await fn(tx)
    },
  })
  return { handler, signer, scopes, queries }
}

Deno.test('returns the user and their workspaces with their role', async () => {
  const workspaces: Workspace[] = [
    { id: crypto.randomUUID(), name: 'Espaço de Ana', role: 'owner' },
    { id: crypto.randomUUID(), name: 'Saga', role: 'writer' },
  ]
  const { handler, signer } = await setup(workspaces)
  const claims = userClaims({ email: 'ana@example.com' })
  const response = await handler(bearer(await signer.token(claims)))
  assert.equal(response.status, 200)
  assert.equal(response.headers.get('access-control-allow-origin'), '*')
  assert.deepEqual(await response.json(), { user_id: claims.sub, email: 'ana@example.com', workspaces })
})

Deno.test('reads the workspaces inside the caller\'s own scope, filtered to the caller', async () => {
  const { handler, signer, scopes, queries } = await setup([])
  const claims = userClaims()
  await handler(bearer(await signer.token(claims)))
  assert.equal(scopes.length, 1)
  assert.equal(scopes[0].sub, claims.sub)
  assert.equal(scopes[0].role, 'authenticated')
  assert.match(queries[0], /from public\.memberships/)
  assert.match(queries[0], /where m\.user_id = \?/)
})

Deno.test('answers 401 as JSON without touching the database when the token is missing or bad', async () => {
  const { handler, scopes } = await setup([])
  for (const request of [new Request('http://functions.local/whoami'), bearer('forged.token.here')]) {
    const response = await handler(request)
    assert.equal(response.status, 401)
    assert.equal(typeof (await response.json()).message, 'string')
  }
  assert.equal(scopes.length, 0)
})

Deno.test('answers preflights and refuses other methods than GET', async () => {
  const { handler, signer } = await setup([])
  const preflight = await handler(new Request('http://functions.local/whoami', { method: 'OPTIONS' }))
  assert.equal(preflight.status, 204)
  assert.match(preflight.headers.get('access-control-allow-headers') ?? '', /authorization/)
  const post = await handler(bearer(await signer.token(userClaims()), { method: 'POST' }))
  assert.equal(post.status, 405)
})

Deno.test('hides unexpected failures behind a generic 500', async () => {
  const signer = await testSigner()
  const handler = createWhoamiHandler({
    authenticate: createAuthenticator({ jwks: signer.jwks }),
    withUser: () => Promise.reject(new Error('connection refused to 10.0.0.7')),
  })
  const originalError = console.error
  console.error = () => {}
  try {
    const response = await handler(bearer(await signer.token(userClaims())))
    assert.equal(response.status, 500)
    assert.doesNotMatch(await response.text(), /10\.0\.0\.7/)
  } finally {
    console.error = originalError
  }
})
