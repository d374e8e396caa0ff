// The check the Supabase edge runtime's gateway makes before invoking a function whose
// `verify_jwt` is on (the default): a bearer token signed by the project's key. Any such
// JWT passes, the anon key included; the function decides what the caller may do.
import { json } from '../http.ts'
import { verifyStackJwt, type StackKeys } from '../keys.ts'

/** Returns null when the request may go on, or the 401 the runtime answers. */
export function createJwtGate(keys: StackKeys) {
  return async function checkJwt(req: Request): Promise<Response | null> {
    const header = req.headers.get('authorization')
    if (!header) return json({ msg: 'Error: Missing authorization header' }, 401)
    const [scheme, token] = header.split(' ')
    if (scheme !== 'Bearer' || !token) return json({ msg: "Error: Auth header is not 'Bearer {token}'" }, 401)
    return (await verifyStackJwt(keys, token)).ok ? null : json({ msg: 'Invalid JWT' }, 401)
  }
}
