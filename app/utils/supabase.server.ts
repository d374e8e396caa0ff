// A Supabase client per request, reading and writing the session cookies with @supabase/ssr.
// Used for Auth only (and later Storage and functions); data goes through db.server.ts.
import { createServerClient, parseCookieHeader, serializeCookieHeader } from '@supabase/ssr'
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
