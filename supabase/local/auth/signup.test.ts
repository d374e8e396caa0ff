// Sign-up with email confirmation (on in config.toml), driven through supabase-js exactly as
// the app does: the confirmation email links to the app's /auth/confirm, whose token hash
// the app trades for a session with verifyOtp.
import { loadAuthSettings } from './settings.ts'
import {
  ageEmail,
  anonClient,
  APP_URL,
  authFetch,
  confirmedUser,
  confirmLink,
  db,
  inTransaction,
  latestMailTo,
  mailsTo,
  PASSWORD,
  SUPABASE_URL,
  uniqueEmail,
} from './test-support.ts'

describe('sign-up with email confirmation', () => {
  it('answers with the user and no session, and emails a confirmation link to the app', async () => {
    const email = uniqueEmail()
    const { data, error } = await anonClient().auth.signUp({
      email,
      password: PASSWORD,
      options: { data: { locale: 'en', display_name: 'Ana Lima' } },
    })
    expect(error).toBeNull()
    expect(data.session).toBeNull()
    expect(data.user?.email).toBe(email)
    expect(data.user?.email_confirmed_at).toBeUndefined()
    expect(data.user?.identities).toHaveLength(1)
    expect(data.user?.app_metadata).toEqual({ provider: 'email', providers: ['email'] })
    expect(data.user?.user_metadata).toMatchObject({ locale: 'en', display_name: 'Ana Lima', email, email_verified: false })

    const mail = await latestMailTo(email)
    expect(mail.Subject).toBe('Confirme seu e-mail · Confirm your email — FlowStory')
    expect(mail.From.Address).toBe('noreply@flowstory.local')
    const link = confirmLink(mail)
    expect(link.url.origin + link.url.pathname).toBe(`${APP_URL}/auth/confirm`)
    expect(link.type).toBe('signup')
    expect(link.tokenHash).toMatch(/^[0-9a-f]{56}$/)
    expect(mail.HTML).toContain('Hi Ana Lima')
    expect(mail.HTML).toContain('lang="en"')
    expect(mail.Text).toContain('Confirm my email:')
    expect(mail.Text).toContain(link.url.toString())
  })

  it('writes the email in Portuguese unless the user chose English', async () => {
    const email = uniqueEmail()
    await anonClient().auth.signUp({ email, password: PASSWORD })
    const mail = await latestMailTo(email)
    expect(mail.HTML).toContain('lang="pt-BR"')
    expect(mail.HTML).toContain('Confirmar meu e-mail')
    expect(mail.HTML).not.toContain('Confirm my email')
  })

  it('trades the emailed token hash for a session whose JWT verifies through the JWKS', async () => {
    const supabase = anonClient()
    const email = uniqueEmail()
    const { data: signedUp } = await supabase.auth.signUp({ email, password: PASSWORD })
    const { tokenHash, type } = confirmLink(await latestMailTo(email))

    const { data, error } = await supabase.auth.verifyOtp({ token_hash: tokenHash, type: type as 'signup' })
    expect(error).toBeNull()
    expect(data.session?.token_type).toBe('bearer')
    expect(data.session?.expires_in).toBeGreaterThan(3500)
    expect(data.user?.id).toBe(signedUp.user?.id)
    expect(data.user?.email_confirmed_at).toEqual(expect.any(String))
    expect(data.user?.user_metadata.email_verified).toBe(true)
    expect(data.user?.identities?.[0].identity_data?.email_verified).toBe(true)

    const { data: verified, error: claimsError } = await supabase.auth.getClaims()
    expect(claimsError).toBeNull()
    expect(verified?.header).toMatchObject({ alg: 'ES256', typ: 'JWT', kid: expect.any(String) })
    expect(verified?.claims).toMatchObject({
      iss: `${SUPABASE_URL}/auth/v1`,
      sub: signedUp.user?.id,
      aud: 'authenticated',
      role: 'authenticated',
      email,
      phone: '',
      aal: 'aal1',
      is_anonymous: false,
      app_metadata: { provider: 'email', providers: ['email'] },
      session_id: expect.any(String),
    })
    expect(verified?.claims.amr).toEqual([{ method: 'otp', timestamp: expect.any(Number) }])
    expect(verified!.claims.exp - verified!.claims.iat).toBe(3600)

    // The same link cannot be used twice.
    const again = await anonClient().auth.verifyOtp({ token_hash: tokenHash, type: 'signup' })
    expect(again.error?.code).toBe('otp_expired')
    expect(again.error?.status).toBe(403)
    expect(again.error?.message).toBe('Email link is invalid or has expired')
  })

  it('refuses a password sign-in until the email is confirmed', async () => {
    const email = uniqueEmail()
    await anonClient().auth.signUp({ email, password: PASSWORD })
    const { data, error } = await anonClient().auth.signInWithPassword({ email, password: PASSWORD })
    expect(data.session).toBeNull()
    expect(error?.code).toBe('email_not_confirmed')
    expect(error?.status).toBe(400)
  })

  it('answers a sign-up for a confirmed address with an obfuscated user and sends nothing', async () => {
    const { email, user } = await confirmedUser()
    const { data, error } = await anonClient().auth.signUp({ email, password: 'another password' })
    expect(error).toBeNull()
    expect(data.session).toBeNull()
    expect(data.user?.identities).toEqual([])
    expect(data.user?.id).not.toBe(user.id)
    expect(await mailsTo(email)).toHaveLength(0)
    // The real account keeps its password.
    const signIn = await anonClient().auth.signInWithPassword({ email, password: PASSWORD })
    expect(signIn.error).toBeNull()
  })

  it('sends a fresh confirmation when an unconfirmed address signs up again, voiding the old link', async () => {
    const email = uniqueEmail()
    await anonClient().auth.signUp({ email, password: PASSWORD })
    const first = confirmLink(await latestMailTo(email))
    await ageEmail(email, 'confirmation_sent_at', 120)
    const { data, error } = await anonClient().auth.signUp({ email, password: PASSWORD })
    expect(error).toBeNull()
    expect(data.user?.identities).toHaveLength(1)
    expect(await mailsTo(email)).toHaveLength(2)
    const second = confirmLink(await latestMailTo(email))
    expect(second.tokenHash).not.toBe(first.tokenHash)
    expect((await anonClient().auth.verifyOtp({ token_hash: first.tokenHash, type: 'signup' })).error?.code).toBe('otp_expired')
    expect((await anonClient().auth.verifyOtp({ token_hash: second.tokenHash, type: 'signup' })).error).toBeNull()
  })

  it('asks to wait before sending another confirmation within max_frequency', async () => {
    const email = uniqueEmail()
    await anonClient().auth.signUp({ email, password: PASSWORD })
    const { error } = await anonClient().auth.signUp({ email, password: PASSWORD })
    expect(error?.status).toBe(429)
    expect(error?.code).toBe('over_email_send_rate_limit')
    expect(await mailsTo(email)).toHaveLength(1)
  })

  it('rejects a malformed email with 400 validation_failed', async () => {
    const { error } = await anonClient().auth.signUp({ email: 'not-an-email', password: PASSWORD })
    expect(error?.status).toBe(400)
    expect(error?.code).toBe('validation_failed')
    expect(error?.message).toBe('Unable to validate email address: invalid format')
  })

  it('rejects a password shorter than minimum_password_length with 422 weak_password', async () => {
    const { minimumPasswordLength } = loadAuthSettings(APP_URL)
    const { error } = await anonClient().auth.signUp({ email: uniqueEmail(), password: 'x'.repeat(minimumPasswordLength - 1) })
    expect(error?.status).toBe(422)
    expect(error?.code).toBe('weak_password')
    expect(error?.message).toBe(`Password should be at least ${minimumPasswordLength} characters.`)
    expect(error).toMatchObject({ name: 'AuthWeakPasswordError', reasons: ['length'] })
  })

  it('rejects missing fields with a message saying what is missing', async () => {
    const noPassword = await anonClient().auth.signUp({ email: uniqueEmail(), password: '' })
    expect(noPassword.error?.status).toBe(400)
    expect(noPassword.error?.message).toBe('Signup requires a valid password')
    const noEmail = await authFetch('/signup', { method: 'POST', body: JSON.stringify({ password: PASSWORD }) })
    expect(noEmail.status).toBe(422)
    expect(await noEmail.json()).toEqual({ code: 'anonymous_provider_disabled', message: 'Anonymous sign-ins are disabled' })
  })
})

describe('sign-up atomicity', () => {
  it('leaves no user behind when a trigger fails after the user row was written', async () => {
    const email = uniqueEmail('rollback')
    const sql = db()
    // Fails the identity insert, which happens after auth.users got its row in the same transaction.
    await sql.unsafe(`
      create or replace function public.test_fail_identity_${suffix(email)}() returns trigger language plpgsql as $$
      begin
        if new.identity_data->>'email' = '${email}' then raise exception 'profile could not be created'; end if;
        return new;
      end $$;
      create trigger test_fail_identity_${suffix(email)} before insert on auth.identities
        for each row execute function public.test_fail_identity_${suffix(email)}();`)
    try {
      const { data, error } = await anonClient().auth.signUp({ email, password: PASSWORD })
      expect(data.user).toBeNull()
      expect(error?.status).toBe(500)
      const rows = await inTransaction((tx) => tx`select count(*)::int as n from auth.users where email = ${email}`)
      expect(rows[0].n).toBe(0)
      expect(await mailsTo(email)).toHaveLength(0)
      // The address stays free: once the cause is gone the same sign-up works.
      await sql.unsafe(`drop trigger test_fail_identity_${suffix(email)} on auth.identities`)
      const retry = await anonClient().auth.signUp({ email, password: PASSWORD })
      expect(retry.error).toBeNull()
    } finally {
      await sql.unsafe(`drop trigger if exists test_fail_identity_${suffix(email)} on auth.identities;
        drop function if exists public.test_fail_identity_${suffix(email)}();`)
    }
  })
})

function suffix(email: string): string {
  return email.replace(/[^a-z0-9]/gi, '_').slice(0, 40).toLowerCase()
}
