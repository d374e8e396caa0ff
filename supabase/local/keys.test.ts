// verifyStackJwt: the one verification of tokens signed with the stack's key.
import fs from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { generateKeyPair, importJWK, SignJWT, type JWTPayload } from 'jose'
import { loadOrCreateKeys, verifyStackJwt, type StackKeys } from './keys.ts'

let keys: StackKeys
let dir: string

beforeAll(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'flowstory-keys-'))
  keys = await loadOrCreateKeys(dir)
})

afterAll(async () => {
  await fs.rm(dir, { recursive: true, force: true })
})

async function signed(claims: JWTPayload, expiresIn = 60, key?: CryptoKey) {
  const now = Math.floor(Date.now() / 1000)
  return new SignJWT(claims)
    .setProtectedHeader({ alg: 'ES256', kid: keys.kid })
    .setIssuedAt(now)
    .setExpirationTime(now + expiresIn)
    .sign(key ?? ((await importJWK(keys.privateJwk, 'ES256')) as CryptoKey))
}

describe('verifyStackJwt', () => {
  it('accepts the API keys and tokens signed with the stack key, returning their claims', async () => {
    expect(await verifyStackJwt(keys, keys.anonKey)).toMatchObject({ ok: true, claims: { role: 'anon' } })
    expect(await verifyStackJwt(keys, await signed({ sub: 'ana', aud: 'authenticated' }), { audience: 'authenticated' })).toMatchObject({
      ok: true,
      claims: { sub: 'ana' },
    })
  })

  it('names why a token fails', async () => {
    const { privateKey } = await generateKeyPair('ES256')
    const hs256 = await new SignJWT({}).setProtectedHeader({ alg: 'HS256' }).sign(new TextEncoder().encode('a shared secret of 32+ bytes!!!!'))
    expect(await verifyStackJwt(keys, await signed({}, -60))).toMatchObject({ ok: false, reason: 'expired', message: expect.stringContaining('exp') })
    expect(await verifyStackJwt(keys, await signed({}, 60, privateKey))).toMatchObject({ ok: false, reason: 'bad_signature' })
    expect(await verifyStackJwt(keys, hs256)).toMatchObject({ ok: false, reason: 'algorithm' })
    expect(await verifyStackJwt(keys, await signed({ aud: 'anon' }), { audience: 'authenticated' })).toMatchObject({ ok: false, reason: 'invalid_claims' })
    expect(await verifyStackJwt(keys, 'not a token')).toMatchObject({ ok: false, reason: 'malformed' })
  })
})
