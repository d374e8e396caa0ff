// Workspaces through the app's own loaders and actions, signed in with real session cookies:
// members see theirs, nobody else's; only owners/admins rename; bad input is a 4xx.
import postgres from 'postgres'
import { inject } from 'vitest'
import { cookiesFrom, createConfirmedUser, formPost, get, respond } from '../../tests/helpers/app-requests.ts'
import { waitForEmail } from '../../tests/helpers/mailbox.ts'
import { action as accountAction } from './account.tsx'
import { loader as appLoader } from './app.tsx'
import { action as loginAction } from './login.tsx'
import { action as settingsAction } from './w.$workspaceId.settings.tsx'
import { loader as homeLoader } from './w.$workspaceId._index.tsx'
import { loader as workspaceLoader } from './w.$workspaceId.tsx'
import { action as newWorkspaceAction } from './workspaces.new.tsx'

const env = inject('stackEnv')
const sql = postgres(env.SUPABASE_DB_URL, { prepare: false, onnotice: () => {} })
afterAll(() => sql.end())

async function signIn(name: string) {
  const user = await createConfirmedUser(env, name)
  const response = await respond(loginAction({ request: formPost('/login', { intent: 'password', email: user.email, password: user.password }), params: {}, context: {} }))
  expect(response.status).toBe(302)
  return { ...user, cookie: cookiesFrom(response) }
}

async function personalWorkspaceOf(userId: string): Promise<string> {
  const [row] = await sql`select t.id from public.tenants t join public.memberships m on m.tenant_id = t.id where m.user_id = ${userId} and t.personal`
  return row.id
}

describe('workspaces in the app', () => {
  it('opens the personal workspace after sign-in and hides other people’s', async () => {
    const ana = await signIn('Ana')
    const bruno = await signIn('Bruno')
    const anaWorkspace = await personalWorkspaceOf(ana.id)

    const landing = await respond(appLoader({ request: get('/app', ana.cookie), params: {}, context: {} }))
    expect(landing.status).toBe(302)
    expect(landing.headers.get('location')).toBe(`/w/${anaWorkspace}`)

    const own = await respond(workspaceLoader({ request: get(`/w/${anaWorkspace}`, ana.cookie), params: { workspaceId: anaWorkspace }, context: {} }))
    expect(own.status).toBe(200)
    expect((await own.json()).workspace).toMatchObject({ id: anaWorkspace, role: 'owner', personal: true })

    const foreign = await respond(workspaceLoader({ request: get(`/w/${anaWorkspace}`, bruno.cookie), params: { workspaceId: anaWorkspace }, context: {} }))
    expect(foreign.status).toBe(404)
    const malformed = await respond(workspaceLoader({ request: get('/w/not-a-uuid', bruno.cookie), params: { workspaceId: 'not-a-uuid' }, context: {} }))
    expect(malformed.status).toBe(404)
  })

  it('answers a malformed workspace id on the home page with 404', async () => {
    const ana = await signIn('Ana')
    const response = await respond(homeLoader({ request: get('/w/nope', ana.cookie), params: { workspaceId: 'nope' }, context: {} }))
    expect(response.status).toBe(404)
  })

  it('answers with a conflict, not a crash, when the account was deleted meanwhile', async () => {
    const gone = await signIn('Gone')
    const deleted = await fetch(`${env.SUPABASE_URL}/auth/v1/admin/users/${gone.id}`, {
      method: 'DELETE',
      headers: { apikey: env.SUPABASE_SERVICE_ROLE_KEY, authorization: `Bearer ${env.SUPABASE_SERVICE_ROLE_KEY}` },
    })
    expect(deleted.status).toBe(200)
    const response = await respond(newWorkspaceAction({ request: formPost('/workspaces/new', { name: 'Orphan' }, gone.cookie), params: {}, context: {} }))
    expect(response.status).toBe(409)
    expect((await response.json()).error).toBe('error.conflict.body')
    const [row] = await sql`select count(*)::int as n from public.tenants where name = 'Orphan'`
    expect(row.n).toBe(0)
  })

  it('sends signed-out visitors to sign in and back', async () => {
    const response = await respond(appLoader({ request: get('/app'), params: {}, context: {} }))
    expect(response.status).toBe(302)
    expect(response.headers.get('location')).toBe('/login?redirectTo=%2Fapp')
  })

  it('creates a second workspace and validates its name', async () => {
    const carla = await signIn('Carla')
    const empty = await respond(newWorkspaceAction({ request: formPost('/workspaces/new', { name: '   ' }, carla.cookie), params: {}, context: {} }))
    expect(empty.status).toBe(400)
    expect((await empty.json()).error).toBe('validation.nameRequired')
    const tooLong = await respond(newWorkspaceAction({ request: formPost('/workspaces/new', { name: 'x'.repeat(81) }, carla.cookie), params: {}, context: {} }))
    expect(tooLong.status).toBe(400)

    const created = await respond(newWorkspaceAction({ request: formPost('/workspaces/new', { name: 'Oficina' }, carla.cookie), params: {}, context: {} }))
    expect(created.status).toBe(302)
    const id = /\/w\/([0-9a-f-]{36})\?notice=created/.exec(created.headers.get('location') ?? '')?.[1]
    expect(id).toBeDefined()
    const [membership] = await sql`select role from public.memberships where tenant_id = ${id!} and user_id = ${carla.id}`
    expect(membership.role).toBe('owner')
  })

  it('shows every member’s name to the workspace’s members', async () => {
    const owner = await signIn('Lara')
    const writer = await signIn('Mauro')
    const workspace = await personalWorkspaceOf(owner.id)
    // Members join through invitations (a later feature); here an admin adds one directly.
    await sql`insert into public.memberships (tenant_id, user_id, role) values (${workspace}, ${writer.id}, 'writer')`
    for (const viewer of [owner, writer]) {
      const response = await respond(homeLoader({ request: get(`/w/${workspace}`, viewer.cookie), params: { workspaceId: workspace }, context: {} }))
      expect((await response.json()).members).toEqual([
        { userId: owner.id, displayName: 'Lara', role: 'owner' },
        { userId: writer.id, displayName: 'Mauro', role: 'writer' },
      ])
    }
  })

  it('lets owners rename and refuses writers', async () => {
    const owner = await signIn('Dora')
    const writer = await signIn('Enzo')
    const workspace = await personalWorkspaceOf(owner.id)
    await sql`insert into public.memberships (tenant_id, user_id, role) values (${workspace}, ${writer.id}, 'writer')`

    const refused = await respond(settingsAction({ request: formPost(`/w/${workspace}/settings`, { name: 'Hijacked' }, writer.cookie), params: { workspaceId: workspace }, context: {} }))
    expect(refused.status).toBe(403)
    expect((await refused.json()).error).toBe('workspace.error.forbidden')

    const renamed = await respond(settingsAction({ request: formPost(`/w/${workspace}/settings`, { name: '  Estúdio da Dora  ' }, owner.cookie), params: { workspaceId: workspace }, context: {} }))
    expect(renamed.status).toBe(200)
    const [row] = await sql`select name from public.tenants where id = ${workspace}`
    expect(row.name).toBe('Estúdio da Dora')
  })

  it('writes emails in the writer’s chosen language, greeting them by name', async () => {
    const julia = await signIn('Julia')
    const saved = await respond(accountAction({ request: formPost('/account', { displayName: 'Júlia', locale: 'en' }, julia.cookie), params: {}, context: {} }))
    expect(saved.status).toBe(302)
    await respond(loginAction({ request: formPost('/login', { intent: 'magic', email: julia.email }), params: {}, context: {} }))
    const email = await waitForEmail(env.MAILPIT_URL, julia.email, (e) => e.HTML.includes('type=magiclink'))
    expect(email.HTML).toContain('Júlia')
    expect(email.Text).toMatch(/sign in/i)
  })

  it('saves display name and language, and rejects an unknown language', async () => {
    const fabio = await signIn('Fabio')
    const saved = await respond(accountAction({ request: formPost('/account', { displayName: 'Fábio M.', locale: 'en' }, fabio.cookie), params: {}, context: {} }))
    expect(saved.status).toBe(302)
    const [profile] = await sql`select display_name, locale from public.profiles where id = ${fabio.id}`
    expect(profile).toEqual({ display_name: 'Fábio M.', locale: 'en' })
    const bad = await respond(accountAction({ request: formPost('/account', { displayName: 'Fábio', locale: 'xx' }, fabio.cookie), params: {}, context: {} }))
    expect(bad.status).toBe(400)
  })
})
