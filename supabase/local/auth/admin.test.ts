// The admin API through supabase-js with the service-role key, and its refusal of anyone else.
import fs from 'node:fs/promises'
import path from 'node:path'
import { anonClient, APP_URL, authFetch, confirmLink, env, latestMailTo, mailsTo, PASSWORD, serviceClient, uniqueEmail } from './test-support.ts'

describe('admin users', () => {
  it('creates a confirmed user with metadata who can sign in at once', async () => {
    const email = uniqueEmail('admin-made')
    const { data, error } = await serviceClient().auth.admin.createUser({
      email,
      password: PASSWORD,
      email_confirm: true,
      user_metadata: { full_name: 'Bia Souza', locale: 'en' },
    })
    expect(error).toBeNull()
    expect(data.user).toMatchObject({
      email,
      aud: 'authenticated',
      role: 'authenticated',
      app_metadata: { provider: 'email', providers: ['email'] },
      user_metadata: { full_name: 'Bia Souza', locale: 'en', email_verified: true },
    })
    expect(data.user?.email_confirmed_at).toEqual(expect.any(String))
    expect(data.user?.identities).toHaveLength(1)
    expect((await anonClient().auth.signInWithPassword({ email, password: PASSWORD })).error).toBeNull()
    expect(await mailsTo(email)).toHaveLength(0)
  })

  it('refuses a second account for the same address with 422 email_exists', async () => {
    const email = uniqueEmail()
    await serviceClient().auth.admin.createUser({ email, password: PASSWORD })
    const { error } = await serviceClient().auth.admin.createUser({ email: email.toUpperCase(), password: PASSWORD })
    expect(error?.status).toBe(422)
    expect(error?.code).toBe('email_exists')
    expect(error?.message).toBe('A user with this email address has already been registered')
  })

  it('reads, updates and deletes a user by id', async () => {
    const admin = serviceClient().auth.admin
    const { data: created } = await admin.createUser({ email: uniqueEmail(), password: PASSWORD, email_confirm: true })
    const id = created.user!.id

    const { data: found } = await admin.getUserById(id)
    expect(found.user?.id).toBe(id)

    const { data: updated, error: updateError } = await admin.updateUserById(id, {
      user_metadata: { plan: 'pro' },
      app_metadata: { roles: ['beta'] },
    })
    expect(updateError).toBeNull()
    expect(updated.user?.user_metadata.plan).toBe('pro')
    expect(updated.user?.app_metadata).toMatchObject({ provider: 'email', roles: ['beta'] })

    const { error: deleteError } = await admin.deleteUser(id)
    expect(deleteError).toBeNull()
    const { data: gone, error: goneError } = await admin.getUserById(id)
    expect(gone.user).toBeNull()
    expect(goneError?.status).toBe(404)
    expect(goneError?.code).toBe('user_not_found')
  })

  it('bans a user with ban_duration so they cannot sign in', async () => {
    const admin = serviceClient().auth.admin
    const email = uniqueEmail('banned')
    const { data } = await admin.createUser({ email, password: PASSWORD, email_confirm: true })
    await admin.updateUserById(data.user!.id, { ban_duration: '24h' })
    const { error } = await anonClient().auth.signInWithPassword({ email, password: PASSWORD })
    expect(error?.code).toBe('user_banned')
  })

  it('lists users newest first with pagination that supabase-js understands', async () => {
    const admin = serviceClient().auth.admin
    for (let i = 0; i < 3; i++) await admin.createUser({ email: uniqueEmail('listed'), password: PASSWORD })
    const { data, error } = await admin.listUsers({ page: 1, perPage: 2 })
    expect(error).toBeNull()
    if (!('total' in data)) throw new Error('listUsers returned no pagination')
    expect(data.users).toHaveLength(2)
    expect(data.total).toBeGreaterThanOrEqual(3)
    expect(data.nextPage).toBe(2)
    expect(new Date(data.users[0].created_at) >= new Date(data.users[1].created_at)).toBe(true)
  })

  it('answers a malformed percent-encoding in the id with 400, not a crash', async () => {
    const response = await authFetch('/admin/users/%E0%A4%A', {
      headers: { apikey: env.SUPABASE_SERVICE_ROLE_KEY, authorization: `Bearer ${env.SUPABASE_SERVICE_ROLE_KEY}` },
    })
    expect(response.status).toBe(400)
    expect(await response.json()).toEqual({ code: 'validation_failed', message: 'The request path has a malformed percent-encoding' })
  })

  it('answers an id that is not a UUID with 404, not a crash', async () => {
    const response = await authFetch('/admin/users/not-a-uuid', {
      headers: { apikey: env.SUPABASE_SERVICE_ROLE_KEY, authorization: `Bearer ${env.SUPABASE_SERVICE_ROLE_KEY}` },
    })
    expect(response.status).toBe(404)
    expect(await response.json()).toEqual({ code: 'validation_failed', message: 'user_id must be an UUID' })
  })
})

describe('invitations', () => {
  it('invites by email; the invite link signs the new user in', async () => {
    const email = uniqueEmail('invited')
    const { data, error } = await serviceClient().auth.admin.inviteUserByEmail(email, {
      data: { locale: 'en', invited_by: 'Ana' },
      redirectTo: `${APP_URL}/welcome`,
    })
    expect(error).toBeNull()
    expect(data.user?.invited_at).toEqual(expect.any(String))
    expect(data.user?.user_metadata).toEqual({ locale: 'en', invited_by: 'Ana' })

    const mail = await latestMailTo(email)
    expect(mail.Subject).toBe('Você foi convidado · You have been invited — FlowStory')
    expect(mail.HTML).toContain('Accept the invitation')
    const { tokenHash, type } = confirmLink(mail)
    expect(type).toBe('invite')
    const { data: session, error: verifyError } = await anonClient().auth.verifyOtp({ token_hash: tokenHash, type: 'invite' })
    expect(verifyError).toBeNull()
    expect(session.user?.email_confirmed_at).toEqual(expect.any(String))
  })

  it('refuses to invite an address that already has a confirmed account', async () => {
    const email = uniqueEmail()
    await serviceClient().auth.admin.createUser({ email, password: PASSWORD, email_confirm: true })
    const { error } = await serviceClient().auth.admin.inviteUserByEmail(email)
    expect(error?.status).toBe(422)
    expect(error?.code).toBe('email_exists')
  })
})

describe('generateLink', () => {
  it.each(['signup', 'magiclink', 'recovery', 'invite'] as const)('makes a working %s link without sending email', async (type) => {
    const admin = serviceClient().auth.admin
    const email = uniqueEmail(`link-${type}`)
    if (type === 'magiclink' || type === 'recovery') await admin.createUser({ email, password: PASSWORD, email_confirm: true })
    const params =
      type === 'signup' ? { type, email, password: PASSWORD } : ({ type, email, options: { redirectTo: `${APP_URL}/done` } } as const)
    const { data, error } = await admin.generateLink(params)
    expect(error).toBeNull()
    expect(data.user?.email).toBe(email)
    expect(data.properties).toMatchObject({ email_otp: expect.stringMatching(/^\d{6}$/), hashed_token: expect.stringMatching(/^[0-9a-f]{56}$/), verification_type: type })
    const action = new URL(data.properties!.action_link)
    expect(action.origin + action.pathname).toBe(`${env.SUPABASE_URL}/auth/v1/verify`)
    expect(action.searchParams.get('token')).toBe(data.properties!.hashed_token)
    expect(action.searchParams.get('type')).toBe(type)
    if (type !== 'signup') expect(data.properties!.redirect_to).toBe(`${APP_URL}/done`)
    expect(await mailsTo(email)).toHaveLength(0)

    const { data: session, error: verifyError } = await anonClient().auth.verifyOtp({ token_hash: data.properties!.hashed_token, type })
    expect(verifyError).toBeNull()
    expect(session.user?.email).toBe(email)
  })

  it('turns a magic link for an unknown address into a sign-up link, like GoTrue', async () => {
    const { data, error } = await serviceClient().auth.admin.generateLink({ type: 'magiclink', email: uniqueEmail('fresh') })
    expect(error).toBeNull()
    expect(data.properties?.verification_type).toBe('signup')
  })

  it('answers a recovery link for an unknown address with 404 user_not_found', async () => {
    const { error } = await serviceClient().auth.admin.generateLink({ type: 'recovery', email: uniqueEmail('nobody') })
    expect(error?.status).toBe(404)
    expect(error?.code).toBe('user_not_found')
  })

  it('makes an email_change_new link that moves the account to the new address', async () => {
    const admin = serviceClient().auth.admin
    const email = uniqueEmail()
    const newEmail = uniqueEmail('moved')
    await admin.createUser({ email, password: PASSWORD, email_confirm: true })
    const { data, error } = await admin.generateLink({ type: 'email_change_new', email, newEmail })
    expect(error).toBeNull()
    expect(data.properties?.verification_type).toBe('email_change_new')
    expect(new URL(data.properties!.action_link).searchParams.get('type')).toBe('email_change')
  })
})

describe('admin endpoints refuse non-admins', () => {
  it('refuses the anon key with 403 not_admin', async () => {
    const anonAsAdmin = anonClient().auth.admin
    const created = await anonAsAdmin.createUser({ email: uniqueEmail(), password: PASSWORD })
    expect(created.error?.status).toBe(403)
    expect(created.error?.code).toBe('not_admin')
    expect((await anonAsAdmin.listUsers()).error?.code).toBe('not_admin')
    expect((await anonAsAdmin.inviteUserByEmail(uniqueEmail())).error?.code).toBe('not_admin')
    expect((await anonAsAdmin.generateLink({ type: 'magiclink', email: uniqueEmail() })).error?.code).toBe('not_admin')
    expect((await anonAsAdmin.deleteUser('00000000-0000-4000-8000-000000000000')).error?.code).toBe('not_admin')
  })

  it('refuses a signed-in user’s access token with 403 not_admin', async () => {
    const email = uniqueEmail()
    await serviceClient().auth.admin.createUser({ email, password: PASSWORD, email_confirm: true })
    const { data } = await anonClient().auth.signInWithPassword({ email, password: PASSWORD })
    const response = await authFetch('/admin/users', { headers: { authorization: `Bearer ${data.session!.access_token}` } })
    expect(response.status).toBe(403)
    expect(await response.json()).toEqual({ code: 'not_admin', message: 'User not allowed' })
  })

  it('accepts the opaque sb_secret_ key, which the gateway turns into the service role', async () => {
    const keys = JSON.parse(await fs.readFile(path.join(env.STACK_STATE_DIR, 'keys.json'), 'utf8')) as { secretKey: string; publishableKey: string }
    const response = await authFetch('/admin/users?per_page=1', { headers: { apikey: keys.secretKey, authorization: `Bearer ${keys.secretKey}` } })
    expect(response.status).toBe(200)
    expect(response.headers.get('x-total-count')).toMatch(/^\d+$/)
    const publishable = await authFetch('/admin/users', { headers: { apikey: keys.publishableKey } })
    expect(publishable.status).toBe(403)
  })
})
