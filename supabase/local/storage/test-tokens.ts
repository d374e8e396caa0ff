// Test helper: users and access tokens without going through /auth/v1, for tests of the
// storage and functions stand-ins. A user is a row in auth.users (the project's sign-up
// trigger runs as for a real sign-up); the token is the ES256 JWT GoTrue would issue,
// signed with the test stack's key from `${STACK_STATE_DIR}/keys.json`.
import { randomUUID } from 'node:crypto'
import fs from 'node:fs/promises'
import path from 'node:path'
import { importJWK, SignJWT } from 'jose'
import type postgres from 'postgres'
import type { StackKeys } from '../keys.ts'

export type TestUser = { id: string; email: string; accessToken: string }

async function stackKeys(stateDir = process.env.STACK_STATE_DIR): Promise<StackKeys> {
  if (!stateDir) throw new Error('STACK_STATE_DIR is not set: run this inside the Vitest stack (tests/setup/stack.global.ts)')
  return JSON.parse(await fs.readFile(path.join(stateDir, 'keys.json'), 'utf8')) as StackKeys
}

/** An access token with GoTrue's claims; `expiresIn` may be negative to get an expired one. */
export async function mintAccessToken(
  user: { id: string; email: string },
  options: { expiresIn?: number; role?: string; stateDir?: string } = {},
): Promise<string> {
  const keys = await stackKeys(options.stateDir)
  const now = Math.floor(Date.now() / 1000)
  return new SignJWT({
    aud: 'authenticated',
    email: user.email,
    phone: '',
    app_metadata: { provider: 'email', providers: ['email'] },
    user_metadata: {},
    role: options.role ?? 'authenticated',
    aal: 'aal1',
    amr: [{ method: 'password', timestamp: now }],
    session_id: randomUUID(),
    is_anonymous: false,
  })
    .setProtectedHeader({ alg: 'ES256', kid: keys.kid, typ: 'JWT' })
    .setIssuer(`${process.env.SUPABASE_URL ?? 'http://127.0.0.1:54321'}/auth/v1`)
    .setSubject(user.id)
    .setIssuedAt(now)
    .setExpirationTime(now + (options.expiresIn ?? 3600))
    .sign(await importJWK(keys.privateJwk, 'ES256'))
}

/** A confirmed user inserted straight into auth.users, with a fresh access token. */
export async function createTestUser(sql: postgres.Sql, displayName = 'Tester'): Promise<TestUser> {
  const id = randomUUID()
  const email = `${displayName.toLowerCase().replace(/\W+/g, '')}-${id.slice(0, 8)}@example.com`
  await sql`
    insert into auth.users (instance_id, id, aud, role, email, email_confirmed_at, raw_app_meta_data,
                            raw_user_meta_data, created_at, updated_at)
    values ('00000000-0000-0000-0000-000000000000', ${id}, 'authenticated', 'authenticated', ${email}, now(),
            ${JSON.stringify({ provider: 'email', providers: ['email'] })}::jsonb,
            ${JSON.stringify({ display_name: displayName })}::jsonb, now(), now())`
  return { id, email, accessToken: await mintAccessToken({ id, email }) }
}
