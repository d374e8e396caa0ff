// Drive the app's own loaders and actions the way the browser does: form posts, the
// session cookies the login action sets, redirects thrown as Responses.
import { randomUUID } from 'node:crypto'

export const APP_ORIGIN = 'http://localhost:3000'

export function formPost(path: string, fields: Record<string, string>, cookie = ''): Request {
  return new Request(`${APP_ORIGIN}${path}`, {
    method: 'POST',
    body: new URLSearchParams(fields),
    headers: cookie ? { cookie } : {},
  })
}

export function get(path: string, cookie = ''): Request {
  return new Request(`${APP_ORIGIN}${path}`, { headers: cookie ? { cookie } : {} })
}

/** Runs a loader/action and returns the Response whether it was returned or thrown. */
export async function respond(work: Promise<unknown> | (() => Promise<unknown>)): Promise<Response> {
  try {
    const result = await (typeof work === 'function' ? work() : work)
    if (result instanceof Response) return result
    return new Response(JSON.stringify(result), { status: 200 })
  } catch (thrown) {
    if (thrown instanceof Response) return thrown
    throw thrown
  }
}

/** Turns Set-Cookie headers into the Cookie header a browser would send next. */
export function cookiesFrom(response: Response, previous = ''): string {
  const jar = new Map(previous.split('; ').filter(Boolean).map((c) => [c.slice(0, c.indexOf('=')), c.slice(c.indexOf('=') + 1)]))
  for (const line of response.headers.getSetCookie()) {
    const [pair, ...attributes] = line.split(';')
    const name = pair.slice(0, pair.indexOf('='))
    const value = pair.slice(pair.indexOf('=') + 1)
    const expired = attributes.some((a) => /max-age=0/i.test(a.trim()) || /expires=thu, 01 jan 1970/i.test(a.trim()))
    if (expired || value === '') jar.delete(name)
    else jar.set(name, value)
  }
  return [...jar].map(([k, v]) => `${k}=${v}`).join('; ')
}

/** A confirmed user made through the Auth admin API (service role), as an admin would. */
export async function createConfirmedUser(env: Record<string, string>, displayName = 'Writer') {
  const email = `${displayName.toLowerCase().replace(/\W+/g, '')}-${randomUUID().slice(0, 8)}@example.com`
  const password = `pw-${randomUUID()}`
  const response = await fetch(`${env.SUPABASE_URL}/auth/v1/admin/users`, {
    method: 'POST',
    headers: { apikey: env.SUPABASE_SERVICE_ROLE_KEY, authorization: `Bearer ${env.SUPABASE_SERVICE_ROLE_KEY}`, 'content-type': 'application/json' },
    body: JSON.stringify({ email, password, email_confirm: true, user_metadata: { display_name: displayName } }),
  })
  if (!response.ok) throw new Error(`admin create user failed: ${response.status} ${await response.text()}`)
  const user = (await response.json()) as { id: string }
  return { id: user.id, email, password }
}

/** A new confirmed writer, signed in through the login action, with their personal workspace. */
export async function signInNewWriter(env: Record<string, string>, sql: import('postgres').Sql, name: string) {
  const { action: loginAction } = await import('../../app/routes/login.tsx')
  const user = await createConfirmedUser(env, name)
  const response = await respond(loginAction({ request: formPost('/login', { intent: 'password', email: user.email, password: user.password }), params: {}, context: {} }))
  if (response.status !== 302) throw new Error(`sign-in failed: ${response.status}`)
  const [row] = await sql`select t.id from public.tenants t join public.memberships m on m.tenant_id = t.id where m.user_id = ${user.id} and t.personal`
  return { ...user, cookie: cookiesFrom(response), workspaceId: row.id as string }
}
