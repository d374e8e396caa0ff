// Magic links, OTP codes, PKCE, password recovery, email change and what happens to
// expired or reused links — through supabase-js and, for the links themselves, GET /verify.
import {
  ageEmail,
  anonClient,
  APP_URL,
  authFetch,
  confirmedUser,
  confirmLink,
  latestMailTo,
  mailsTo,
  otpCode,
  PASSWORD,
  SUPABASE_URL,
  uniqueEmail,
} from './test-support.ts'

const verifyUrl = (token: string, type: string, redirectTo = `${APP_URL}/auth/callback`) =>
  `${SUPABASE_URL}/auth/v1/verify?token=${encodeURIComponent(token)}&type=${type}&redirect_to=${encodeURIComponent(redirectTo)}`

describe('magic links', () => {
  it('emails a confirmed user a magic link that signs in once', async () => {
    const { email, user } = await confirmedUser()
    const { error } = await anonClient().auth.signInWithOtp({ email, options: { shouldCreateUser: false } })
    expect(error).toBeNull()
    const mail = await latestMailTo(email)
    expect(mail.Subject).toBe('Seu link de acesso · Your sign-in link — FlowStory')
    const { tokenHash, type } = confirmLink(mail)
    expect(type).toBe('magiclink')
    const { data, error: verifyError } = await anonClient().auth.verifyOtp({ token_hash: tokenHash, type: 'magiclink' })
    expect(verifyError).toBeNull()
    expect(data.session?.user.id).toBe(user.id)
    const reused = await anonClient().auth.verifyOtp({ token_hash: tokenHash, type: 'magiclink' })
    expect(reused.error?.code).toBe('otp_expired')
    expect(reused.error?.message).toBe('Email link is invalid or has expired')
  })

  it('also signs in with the six-digit code from the email', async () => {
    const { email, user } = await confirmedUser()
    await anonClient().auth.signInWithOtp({ email })
    const code = otpCode(await latestMailTo(email))
    const wrong = await anonClient().auth.verifyOtp({ email, token: code === '000000' ? '111111' : '000000', type: 'email' })
    expect(wrong.error?.code).toBe('otp_expired')
    expect(wrong.error?.message).toBe('Token has expired or is invalid')
    const { data, error } = await anonClient().auth.verifyOtp({ email, token: code, type: 'email' })
    expect(error).toBeNull()
    expect(data.user?.id).toBe(user.id)
  })

  it('refuses to create an account when shouldCreateUser is false', async () => {
    const email = uniqueEmail('ghost')
    const { error } = await anonClient().auth.signInWithOtp({ email, options: { shouldCreateUser: false } })
    expect(error?.status).toBe(422)
    expect(error?.code).toBe('otp_disabled')
    expect(await mailsTo(email)).toHaveLength(0)
  })

  it('signs a new address up, keeping its data, and sends the confirmation email (confirmations on)', async () => {
    const email = uniqueEmail('newcomer')
    const { error } = await anonClient().auth.signInWithOtp({ email, options: { data: { locale: 'en' } } })
    expect(error).toBeNull()
    const mail = await latestMailTo(email)
    expect(confirmLink(mail).type).toBe('signup')
    expect(mail.HTML).toContain('lang="en"')
    const { data } = await anonClient().auth.verifyOtp({ token_hash: confirmLink(mail).tokenHash, type: 'signup' })
    expect(data.user?.user_metadata.locale).toBe('en')
  })

  it('answers an expired link with 403 otp_expired', async () => {
    const { email } = await confirmedUser()
    await anonClient().auth.signInWithOtp({ email })
    const { tokenHash } = confirmLink(await latestMailTo(email))
    await ageEmail(email, 'recovery_sent_at', 2 * 3600)
    const { error } = await anonClient().auth.verifyOtp({ token_hash: tokenHash, type: 'magiclink' })
    expect(error?.status).toBe(403)
    expect(error?.code).toBe('otp_expired')
    expect(error?.message).toBe('Email link is invalid or has expired')
  })
})

describe('GET /verify (the link GoTrue itself would email)', () => {
  it('redirects with the session in the fragment for implicit flows', async () => {
    const email = uniqueEmail()
    await anonClient().auth.signUp({ email, password: PASSWORD })
    const { tokenHash } = confirmLink(await latestMailTo(email))
    const response = await fetch(verifyUrl(tokenHash, 'signup'), { redirect: 'manual' })
    expect(response.status).toBe(303)
    const location = new URL(response.headers.get('location')!)
    expect(location.origin + location.pathname).toBe(`${APP_URL}/auth/callback`)
    const fragment = new URLSearchParams(location.hash.slice(1))
    expect(fragment.get('token_type')).toBe('bearer')
    expect(fragment.get('type')).toBe('signup')
    expect(fragment.get('refresh_token')).toMatch(/^[a-z0-9]{12}$/)
    const { data } = await anonClient().auth.getUser(fragment.get('access_token')!)
    expect(data.user?.email).toBe(email)
  })

  it('puts GoTrue’s error parameters in the fragment when the link is expired or used', async () => {
    const email = uniqueEmail()
    await anonClient().auth.signUp({ email, password: PASSWORD })
    const { tokenHash } = confirmLink(await latestMailTo(email))
    await ageEmail(email, 'confirmation_sent_at', 2 * 3600)
    const response = await fetch(verifyUrl(tokenHash, 'signup'), { redirect: 'manual' })
    expect(response.status).toBe(303)
    const fragment = new URLSearchParams(new URL(response.headers.get('location')!).hash.slice(1))
    expect(fragment.get('error')).toBe('access_denied')
    expect(fragment.get('error_code')).toBe('otp_expired')
    expect(fragment.get('error_description')).toBe('Email link is invalid or has expired')
  })

  it('sends people to the site URL when redirect_to is not an allowed URL', async () => {
    const response = await fetch(verifyUrl('f'.repeat(56), 'signup', 'https://evil.example.net/x'), { redirect: 'manual' })
    expect(response.status).toBe(303)
    expect(response.headers.get('location')).toMatch(new RegExp(`^${APP_URL}#`))
  })

  it('sends people to the site URL when redirect_to holds control characters', async () => {
    const response = await fetch(verifyUrl('f'.repeat(56), 'signup', `${APP_URL}/x\ny`), { redirect: 'manual' })
    expect(response.status).toBe(303)
    expect(response.headers.get('location')).toMatch(new RegExp(`^${APP_URL}#`))
  })

  it('redirects to an allowed URL in its percent-encoded form, a bare origin kept as given', async () => {
    const unicode = await fetch(verifyUrl('f'.repeat(56), 'signup', `${APP_URL}/café✓?q=ü`), { redirect: 'manual' })
    expect(unicode.status).toBe(303)
    expect(unicode.headers.get('location')).toMatch(new RegExp(`^${APP_URL}/caf%C3%A9%E2%9C%93\\?q=%C3%BC#`))
    const bare = await fetch(verifyUrl('f'.repeat(56), 'signup', APP_URL), { redirect: 'manual' })
    expect(bare.headers.get('location')).toMatch(new RegExp(`^${APP_URL}#error=`))
  })

  it('works without an apikey, since email links are opened by browsers', async () => {
    const response = await fetch(verifyUrl('f'.repeat(56), 'magiclink'), { redirect: 'manual' })
    expect(response.status).toBe(303)
  })
})

describe('PKCE', () => {
  it('signInWithOtp → GET /verify → ?code= → exchangeCodeForSession', async () => {
    const { email, user } = await confirmedUser()
    const supabase = anonClient({ flowType: 'pkce' })
    const { error } = await supabase.auth.signInWithOtp({ email, options: { emailRedirectTo: `${APP_URL}/auth/callback` } })
    expect(error).toBeNull()
    const { tokenHash } = confirmLink(await latestMailTo(email))
    expect(tokenHash).toMatch(/^pkce_[0-9a-f]{56}$/)

    const response = await fetch(verifyUrl(tokenHash, 'magiclink'), { redirect: 'manual' })
    expect(response.status).toBe(303)
    const location = new URL(response.headers.get('location')!)
    expect(location.origin + location.pathname).toBe(`${APP_URL}/auth/callback`)
    const code = location.searchParams.get('code')!
    expect(code).toMatch(/^[0-9a-f-]{36}$/)

    const { data, error: exchangeError } = await supabase.auth.exchangeCodeForSession(code)
    expect(exchangeError).toBeNull()
    expect(data.session?.user.id).toBe(user.id)
    const { data: claims } = await supabase.auth.getClaims()
    expect(claims?.claims.amr?.[0]).toMatchObject({ method: 'magiclink' })

    // The code is single-use.
    const again = await authFetch('/token?grant_type=pkce', { method: 'POST', body: JSON.stringify({ auth_code: code, code_verifier: 'v'.repeat(43) }) })
    expect(again.status).toBe(404)
    expect((await again.json()).code).toBe('flow_state_not_found')
  })

  it('refuses a code presented with the wrong verifier', async () => {
    const { email } = await confirmedUser()
    await anonClient({ flowType: 'pkce' }).auth.signInWithOtp({ email })
    const { tokenHash } = confirmLink(await latestMailTo(email))
    const location = new URL((await fetch(verifyUrl(tokenHash, 'magiclink'), { redirect: 'manual' })).headers.get('location')!)
    const response = await authFetch('/token?grant_type=pkce', {
      method: 'POST',
      body: JSON.stringify({ auth_code: location.searchParams.get('code'), code_verifier: 'w'.repeat(43) }),
    })
    expect(response.status).toBe(400)
    expect(await response.json()).toEqual({ code: 'bad_code_verifier', message: 'code challenge does not match previously saved code verifier' })
  })

  it('lets the app confirm a PKCE sign-up link with verifyOtp, as @supabase/ssr clients do', async () => {
    const email = uniqueEmail()
    await anonClient({ flowType: 'pkce' }).auth.signUp({ email, password: PASSWORD })
    const { tokenHash } = confirmLink(await latestMailTo(email))
    expect(tokenHash.startsWith('pkce_')).toBe(true)
    const { data, error } = await anonClient().auth.verifyOtp({ token_hash: tokenHash, type: 'signup' })
    expect(error).toBeNull()
    expect(data.user?.email).toBe(email)
  })
})

describe('password recovery', () => {
  it('emails a reset link that signs in, after which updateUser sets the new password', async () => {
    const { email } = await confirmedUser()
    const { error } = await anonClient().auth.resetPasswordForEmail(email, { redirectTo: `${APP_URL}/reset-password` })
    expect(error).toBeNull()
    const mail = await latestMailTo(email)
    expect(mail.Subject).toBe('Redefinir senha · Reset your password — FlowStory')
    const { tokenHash, type } = confirmLink(mail)
    expect(type).toBe('recovery')

    const supabase = anonClient()
    const verified = await supabase.auth.verifyOtp({ token_hash: tokenHash, type: 'recovery' })
    expect(verified.error).toBeNull()
    const updated = await supabase.auth.updateUser({ password: 'a brand new password' })
    expect(updated.error).toBeNull()

    expect((await anonClient().auth.signInWithPassword({ email, password: PASSWORD })).error?.code).toBe('invalid_credentials')
    expect((await anonClient().auth.signInWithPassword({ email, password: 'a brand new password' })).error).toBeNull()
    // The session that changed the password stays signed in.
    expect((await supabase.auth.getUser()).error).toBeNull()
  })

  it('refuses the same password again with 422 same_password', async () => {
    const { email } = await confirmedUser()
    const supabase = anonClient()
    await supabase.auth.signInWithPassword({ email, password: PASSWORD })
    const { error } = await supabase.auth.updateUser({ password: PASSWORD })
    expect(error?.status).toBe(422)
    expect(error?.code).toBe('same_password')
  })

  it('answers 200 for an unknown address and sends nothing', async () => {
    const email = uniqueEmail('unknown')
    const { error } = await anonClient().auth.resetPasswordForEmail(email)
    expect(error).toBeNull()
    expect(await mailsTo(email)).toHaveLength(0)
  })
})

describe('account changes', () => {
  it('merges user metadata with updateUser({ data })', async () => {
    const { email } = await confirmedUser({ data: { locale: 'pt-BR', full_name: 'Ana' } })
    const supabase = anonClient()
    await supabase.auth.signInWithPassword({ email, password: PASSWORD })
    const { data, error } = await supabase.auth.updateUser({ data: { locale: 'en', full_name: null } })
    expect(error).toBeNull()
    expect(data.user?.user_metadata).toMatchObject({ locale: 'en' })
    expect(data.user?.user_metadata).not.toHaveProperty('full_name')
  })

  it('changes the email only after both the old and the new address confirm', async () => {
    const { email } = await confirmedUser()
    const newEmail = uniqueEmail('moved')
    const supabase = anonClient()
    await supabase.auth.signInWithPassword({ email, password: PASSWORD })
    const { data, error } = await supabase.auth.updateUser({ email: newEmail })
    expect(error).toBeNull()
    expect(data.user?.email).toBe(email)
    expect(data.user?.new_email).toBe(newEmail)

    const toNew = await latestMailTo(newEmail)
    const toOld = await latestMailTo(email)
    expect(toNew.Subject).toBe('Confirme o novo e-mail · Confirm your new email — FlowStory')
    expect(toOld.HTML).toContain(newEmail)

    const first = await anonClient().auth.verifyOtp({ token_hash: confirmLink(toNew).tokenHash, type: 'email_change' })
    expect(first.error).toBeNull()
    expect(first.data.session).toBeNull()
    const second = await anonClient().auth.verifyOtp({ token_hash: confirmLink(toOld).tokenHash, type: 'email_change' })
    expect(second.error).toBeNull()
    expect(second.data.user?.email).toBe(newEmail)
    expect((await anonClient().auth.signInWithPassword({ email: newEmail, password: PASSWORD })).error).toBeNull()
  })

  it('refuses an address another account uses with 422 email_exists', async () => {
    const { email } = await confirmedUser()
    const { email: taken } = await confirmedUser()
    const supabase = anonClient()
    await supabase.auth.signInWithPassword({ email, password: PASSWORD })
    const { error } = await supabase.auth.updateUser({ email: taken })
    expect(error?.status).toBe(422)
    expect(error?.code).toBe('email_exists')
  })

  it('resends a pending confirmation with resend({ type: "signup" })', async () => {
    const email = uniqueEmail()
    await anonClient().auth.signUp({ email, password: PASSWORD })
    await ageEmail(email, 'confirmation_sent_at', 120)
    const { error } = await anonClient().auth.resend({ type: 'signup', email })
    expect(error).toBeNull()
    expect(await mailsTo(email)).toHaveLength(2)
  })
})
