// The check the Supabase edge runtime's gateway makes before invoking a function whose
// `verify_jwt` is on (the default): a bearer token signed by the project's key. Any such
// JWT passes, the anon key included; the function decides what the caller may do.
import { importJWK, jwtVerify } from 'jose'
import { json } from '../http.ts'
import type { StackKeys } from '../keys.ts'

/** Returns null when the request may go on, or the 401 the runtime answers. */
export function createJwtGate(keys: StackKeys) {
  let key: ReturnType<typeof importJWK> | undefined
  return async function checkJwt(req: Request): Promise<Response | null> {
    const header = req.headers.get('authorization')
    if (!header) return json({ msg: 'Error: Missing authorization header' }, 401)
    const [scheme, token] = header.split(' ')
    if (scheme !== 'Bearer' || !token) return json({ msg: "Error: Auth header is not 'Bearer {token}'" }, 401)
    try {
      await jwtVerify(token, await (key ??= importJWK(keys.publicJwk, 'ES256')), { algorithms: ['ES256'] })
      return null
    } catch {
      return json({ msg: 'Invalid JWT' }, 401)
    }
  }
}
