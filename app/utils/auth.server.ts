// Who is asking: claims verified by supabase.auth.getClaims() (signature checked against the
// project's JWKS, refreshed when close to expiry), never an unverified getSession().
import { redirect } from '@remix-run/node'
import { isAuthApiError, isAuthSessionMissingError, type SupabaseClient } from '@supabase/supabase-js'
import type { VerifiedClaims } from './db.server.ts'
import { createSupabaseServerClient } from './supabase.server.ts'

export type RequestAuth = {
  supabase: SupabaseClient
  /** Set-Cookie headers the auth client produced; every response must carry them. */
  headers: Headers
  claims: VerifiedClaims | null
}

export async function getRequestAuth(request: Request): Promise<RequestAuth> {
  const headers = new Headers()
  const { supabase } = createSupabaseServerClient(request, headers)
  const { data, error } = await supabase.auth.getClaims()
  if (error && !isAuthSessionMissingError(error) && !isAuthApiError(error)) {
    // The auth server is unreachable: say so instead of pretending the user signed out.
    console.error('auth check failed:', error.name, error.message)
    throw new Response('Authentication service unavailable', { status: 503 })
  }
  const claims = data?.claims
  const verified = claims && typeof claims.sub === 'string' && claims.role === 'authenticated' ? (claims as VerifiedClaims) : null
  return { supabase, headers, claims: verified }
}

export type SignedIn = RequestAuth & { claims: VerifiedClaims }

/** Signed-in users only; others go to the sign-in page and come back afterwards. */
export async function requireUser(request: Request): Promise<SignedIn> {
  const auth = await getRequestAuth(request)
  if (!auth.claims) {
    const url = new URL(request.url)
    const back = `${url.pathname}${url.search}`
    throw redirect(`/login?redirectTo=${encodeURIComponent(back)}`, { headers: auth.headers })
  }
  return auth as SignedIn
}

const SAME_SITE_BASE = 'http://flowstory.invalid'

/**
 * Only same-site paths are followed after sign-in, so links cannot bounce users elsewhere.
 * Control characters and backslashes are refused outright: browsers drop tabs and newlines
 * from URLs, which would turn `/\t/evil.example` into `//evil.example`.
 */
export function safeRedirectPath(value: FormDataEntryValue | string | null | undefined, fallback = '/app'): string {
  if (typeof value !== 'string' || !value.startsWith('/') || /[\u0000-\u001f\u007f\\]/.test(value)) return fallback
  const resolved = new URL(value, SAME_SITE_BASE)
  if (resolved.origin !== SAME_SITE_BASE) return fallback
  return `${resolved.pathname}${resolved.search}${resolved.hash}`
}
