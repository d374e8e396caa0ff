// A Supabase client per request, reading and writing the session cookies with @supabase/ssr.
// Used for Auth and Storage (as the signed-in user); data goes through db.server.ts.
import { createServerClient, parseCookieHeader, serializeCookieHeader } from '@supabase/ssr'
import { createClient, type SupabaseClient } from '@supabase/supabase-js'
import { env } from './env.server.ts'

export function createSupabaseServerClient(request: Request, headers: Headers = new Headers()) {
  const supabase = createServerClient(env().SUPABASE_URL, env().SUPABASE_ANON_KEY, {
    cookies: {
      getAll: () => parseCookieHeader(request.headers.get('Cookie') ?? '').map(({ name, value }) => ({ name, value: value ?? '' })),
      setAll: (cookies) => {
        for (const { name, value, options } of cookies) headers.append('Set-Cookie', serializeCookieHeader(name, value, options))
      },
    },
    auth: { flowType: 'pkce' },
    // Only the server reads the session, so scripts in the page never need the cookies.
    cookieOptions: { httpOnly: true, secure: process.env.NODE_ENV === 'production', sameSite: 'lax', path: '/' },
  })
  return { supabase, headers }
}

let serviceRoleClient: SupabaseClient | undefined

/**
 * The service-role client, for jobs that act for no user (purging expired exports). Created
 * on first use, so importing this module never needs the secret key; it keeps no session.
 */
export function supabaseServiceRole(): SupabaseClient {
  if (serviceRoleClient) return serviceRoleClient
  const key = env().SUPABASE_SERVICE_ROLE_KEY
  if (!key) throw new Error('SUPABASE_SERVICE_ROLE_KEY (or SUPABASE_SECRET_KEY) is required to purge expired exports.')
  serviceRoleClient = createClient(env().SUPABASE_URL, key, { auth: { persistSession: false, autoRefreshToken: false } })
  return serviceRoleClient
}
