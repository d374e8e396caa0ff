// The stack's signing key and API keys, generated on first start and kept in the state
// folder (git-ignored). User sessions are ES256 JWTs verifiable through the JWKS endpoint,
// like a Supabase project with asymmetric JWT signing keys; the anon and service-role keys
// are long-lived JWTs with the `role` claim, and the publishable/secret keys are the
// opaque `sb_…` forms of the same two roles.
import { randomBytes, randomUUID } from 'node:crypto'
import fs from 'node:fs/promises'
import path from 'node:path'
import { errors as joseErrors, exportJWK, generateKeyPair, importJWK, jwtVerify, SignJWT, type CryptoKey, type JWK, type JWTPayload } from 'jose'

export type StackKeys = {
  kid: string
  privateJwk: JWK
  publicJwk: JWK
  anonKey: string
  serviceRoleKey: string
  publishableKey: string
  secretKey: string
}

export type ApiKeyRole = 'anon' | 'service_role'

const TEN_YEARS_SECONDS = 10 * 365 * 24 * 3600

export async function loadOrCreateKeys(stateDir: string): Promise<StackKeys> {
  const file = path.join(stateDir, 'keys.json')
  try {
    return JSON.parse(await fs.readFile(file, 'utf8')) as StackKeys
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error
  }
  const kid = randomUUID()
  const { privateKey, publicKey } = await generateKeyPair('ES256', { extractable: true })
  const privateJwk = { ...(await exportJWK(privateKey)), kid, alg: 'ES256', use: 'sig' }
  const publicJwk = { ...(await exportJWK(publicKey)), kid, alg: 'ES256', use: 'sig' }
  const keys: StackKeys = {
    kid,
    privateJwk,
    publicJwk,
    anonKey: await signApiKey(privateJwk, 'anon'),
    serviceRoleKey: await signApiKey(privateJwk, 'service_role'),
    publishableKey: `sb_publishable_${randomBytes(18).toString('base64url')}`,
    secretKey: `sb_secret_${randomBytes(18).toString('base64url')}`,
  }
  await fs.mkdir(stateDir, { recursive: true })
  await fs.writeFile(file, JSON.stringify(keys, null, 2), { mode: 0o600 })
  return keys
}

async function signApiKey(privateJwk: JWK, role: ApiKeyRole): Promise<string> {
  const key = await importJWK(privateJwk, 'ES256')
  const now = Math.floor(Date.now() / 1000)
  return new SignJWT({ role })
    .setProtectedHeader({ alg: 'ES256', kid: privateJwk.kid, typ: 'JWT' })
    .setIssuer('supabase-local')
    .setIssuedAt(now)
    .setExpirationTime(now + TEN_YEARS_SECONDS)
    .sign(key)
}

/** Which role an `apikey` header (or a bearer token that is an API key) stands for. */
export function roleOfApiKey(keys: StackKeys, value: string | null | undefined): ApiKeyRole | null {
  if (!value) return null
  if (value === keys.anonKey || value === keys.publishableKey) return 'anon'
  if (value === keys.serviceRoleKey || value === keys.secretKey) return 'service_role'
  return null
}

/** Why a token failed verification, in the categories callers turn into their own errors. */
export type JwtFailureReason = 'expired' | 'bad_signature' | 'algorithm' | 'invalid_claims' | 'malformed'

export type JwtVerification =
  | { ok: true; claims: JWTPayload }
  | { ok: false; reason: JwtFailureReason; /** jose's own description of the failure. */ message: string }

const publicKeys = new WeakMap<StackKeys, Promise<CryptoKey | Uint8Array>>()

/**
 * The one check of a JWT signed by the stack's key (access tokens, API keys, signed URL
 * tokens): ES256 only, signature, exp/nbf and, when asked, the audience.
 */
export async function verifyStackJwt(keys: StackKeys, token: string, options: { audience?: string } = {}): Promise<JwtVerification> {
  let publicKey = publicKeys.get(keys)
  if (!publicKey) {
    publicKey = importJWK(keys.publicJwk, 'ES256')
    publicKeys.set(keys, publicKey)
  }
  try {
    const { payload } = await jwtVerify(token, await publicKey, { algorithms: ['ES256'], audience: options.audience })
    return { ok: true, claims: payload }
  } catch (error) {
    return { ok: false, reason: failureReason(error), message: (error as Error).message ?? '' }
  }
}

function failureReason(error: unknown): JwtFailureReason {
  if (error instanceof joseErrors.JWTExpired) return 'expired'
  if (error instanceof joseErrors.JWSSignatureVerificationFailed) return 'bad_signature'
  if (error instanceof joseErrors.JOSEAlgNotAllowed) return 'algorithm'
  if (error instanceof joseErrors.JWTClaimValidationFailed) return 'invalid_claims'
  return 'malformed'
}
