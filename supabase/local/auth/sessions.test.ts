// Password sign-in, refresh-token rotation and sign-out, as supabase-js sees them.
import { anonClient, authFetch, confirmedUser, inTransaction, PASSWORD, uniqueEmail } from './test-support.ts'

async function signedIn() {
  const { email, user } = await confirmedUser()
  const supabase = anonClient()
  const { data, error } = await supabase.auth.signInWithPassword({ email, password: PASSWORD })
  if (error || !data.session) throw error ?? new Error('no session')
  return { supabase, email, user, session: data.session }
}

/** Makes a used refresh token look as if it was revoked a minute ago (past the reuse interval). */
async function ageRefreshToken(token: string) {
  await inTransaction((tx) => tx`update auth.refresh_tokens set updated_at = updated_at - interval '1 minute' where token = ${token}`)
}

describe('password sign-in', () => {
  it('returns a session with GoTrue’s shape and the password amr', async () => {
    const { email, user } = await confirmedUser()
    const supabase = anonClient()
    const { data, error } = await supabase.auth.signInWithPassword({ email, password: PASSWORD })
    expect(error).toBeNull()
    expect(data.session).toMatchObject({ token_type: 'bearer', expires_in: expect.any(Number), expires_at: expect.any(Number) })
    expect(data.session?.refresh_token).toMatch(/^[a-z0-9]{12}$/)
    expect(data.user?.id).toBe(user.id)
    expect(data.user?.last_sign_in_at).toEqual(expect.any(String))
    const { data: claims } = await supabase.auth.getClaims()
    expect(claims?.claims.amr?.[0]).toMatchObject({ method: 'password' })
  })

  it('answers a wrong password and an unknown email alike: 400 invalid_credentials', async () => {
    const { email } = await confirmedUser()
    for (const attempt of [{ email, password: 'wrong password' }, { email: uniqueEmail('nobody'), password: PASSWORD }]) {
      const { data, error } = await anonClient().auth.signInWithPassword(attempt)
      expect(data.session).toBeNull()
      expect(error?.status).toBe(400)
      expect(error?.code).toBe('invalid_credentials')
      expect(error?.message).toBe('Invalid login credentials')
    }
  })

  it('finds the account whatever the case of the email', async () => {
    const { email } = await confirmedUser()
    const { error } = await anonClient().auth.signInWithPassword({ email: email.toUpperCase(), password: PASSWORD })
    expect(error).toBeNull()
  })

  it('loads the signed-in user with getUser', async () => {
    const { supabase, user } = await signedIn()
    const { data, error } = await supabase.auth.getUser()
    expect(error).toBeNull()
    expect(data.user?.id).toBe(user.id)
    expect(data.user?.identities?.[0]).toMatchObject({ provider: 'email', user_id: user.id, identity_id: expect.any(String) })
  })
})

describe('refresh tokens', () => {
  it('rotates: each refresh returns a new refresh token and a new access token', async () => {
    const { supabase, session } = await signedIn()
    const { data, error } = await supabase.auth.refreshSession()
    expect(error).toBeNull()
    expect(data.session?.refresh_token).not.toBe(session.refresh_token)
    expect(data.session?.user.id).toBe(session.user.id)
    const { data: claims } = await supabase.auth.getClaims()
    expect(claims?.claims.session_id).toBeTruthy()
  })

  it('hands the current token back when a client retries with the token it just used', async () => {
    const { session } = await signedIn()
    const first = await anonClient().auth.refreshSession({ refresh_token: session.refresh_token })
    const retry = await anonClient().auth.refreshSession({ refresh_token: session.refresh_token })
    expect(retry.error).toBeNull()
    expect(retry.data.session?.refresh_token).toBe(first.data.session?.refresh_token)
  })

  it('refuses a revoked token reused after the reuse interval and revokes the session’s tokens', async () => {
    const { session } = await signedIn()
    const second = await anonClient().auth.refreshSession({ refresh_token: session.refresh_token })
    const third = await anonClient().auth.refreshSession({ refresh_token: second.data.session!.refresh_token })
    expect(third.error).toBeNull()
    await ageRefreshToken(session.refresh_token)
    const reused = await anonClient().auth.refreshSession({ refresh_token: session.refresh_token })
    expect(reused.error?.status).toBe(400)
    expect(reused.error?.code).toBe('refresh_token_already_used')
    expect(reused.error?.message).toBe('Invalid Refresh Token: Already Used')
    // The family was revoked: the newest token is spent too once its grace period is over.
    await ageRefreshToken(third.data.session!.refresh_token)
    const latest = await anonClient().auth.refreshSession({ refresh_token: third.data.session!.refresh_token })
    expect(latest.error?.code).toBe('refresh_token_already_used')
  })

  it('rejects tokens it never issued', async () => {
    const unknown = await anonClient().auth.refreshSession({ refresh_token: 'abcdefghijkl' })
    expect(unknown.error?.code).toBe('refresh_token_not_found')
    const malformed = await authFetch('/token?grant_type=refresh_token', { method: 'POST', body: JSON.stringify({ refresh_token: 'x' }) })
    expect(malformed.status).toBe(400)
    expect(await malformed.json()).toEqual({ code: 'validation_failed', message: 'Refresh token is not valid' })
  })
})

describe('sign-out', () => {
  it('ends the session: its refresh token and access token stop working', async () => {
    const { supabase, session } = await signedIn()
    const { error } = await supabase.auth.signOut()
    expect(error).toBeNull()
    const refresh = await anonClient().auth.refreshSession({ refresh_token: session.refresh_token })
    expect(refresh.error?.code).toBe('refresh_token_not_found')
    const user = await anonClient().auth.getUser(session.access_token)
    expect(user.data.user).toBeNull()
    expect(user.error?.name).toBe('AuthSessionMissingError')
  })

  it('signs out only this device with scope local, every device with global', async () => {
    const { email } = await confirmedUser()
    const phone = anonClient()
    const laptop = anonClient()
    const tablet = anonClient()
    const sessions = await Promise.all(
      [phone, laptop, tablet].map(async (c) => (await c.auth.signInWithPassword({ email, password: PASSWORD })).data.session!),
    )
    await phone.auth.signOut({ scope: 'local' })
    expect((await anonClient().auth.refreshSession({ refresh_token: sessions[0].refresh_token })).error?.code).toBe('refresh_token_not_found')
    expect((await laptop.auth.getUser()).error).toBeNull()
    await laptop.auth.signOut({ scope: 'others' })
    expect((await laptop.auth.getUser()).error).toBeNull()
    expect((await anonClient().auth.refreshSession({ refresh_token: sessions[2].refresh_token })).error?.code).toBe('refresh_token_not_found')
    await laptop.auth.signOut({ scope: 'global' })
    expect((await anonClient().auth.getUser(sessions[1].access_token)).error?.name).toBe('AuthSessionMissingError')
  })

  it('requires a bearer token that is a user’s access token', async () => {
    const response = await authFetch('/logout', { method: 'POST' })
    expect(response.status).toBe(403)
    expect(await response.json()).toEqual({ code: 'bad_jwt', message: 'invalid claim: missing sub claim' })
    const forged = await authFetch('/user', { headers: { authorization: 'Bearer not.a.jwt' } })
    expect(forged.status).toBe(403)
    expect((await forged.json()).code).toBe('bad_jwt')
  })
})
