// Server-side request forgery guard for a workspace's own AI provider (decision 018a).
// A base URL is typed by a workspace's owner; without a check, the Edge Functions would call
// whatever it names — the cloud's metadata service (169.254.169.254), the database, other
// internal services — and report back whether it answered. So before every call to a
// workspace's own provider, the host is resolved and every address it resolves to must be
// public. The platform's provider (from the environment) is trusted and not checked.
//
// AI_ALLOW_PRIVATE_BASE_URLS=true lifts the check: for the local stack (a writer's Ollama on
// localhost, the tests' fake provider) and for a deployment whose own vLLM sits on a private
// network. Hosted projects leave it unset.
//
// Known limit: the address is checked when the request starts and the connection resolves the
// name again, so a name whose DNS answer flips between the two (rebinding) could slip through;
// closing that needs connecting to the checked address, which Deno's fetch does not offer.
import { HttpError } from './errors.ts'

export const ALLOW_PRIVATE_ENV = 'AI_ALLOW_PRIVATE_BASE_URLS'

export class UnsafeBaseUrlError extends HttpError {
  constructor() {
    super(
      422,
      'unsafe_base_url',
      'The AI provider\'s base URL points to a private or local network address (or to a name with no public address), which FlowStory\'s servers do not call. Use the provider\'s public address in Settings → AI providers.',
    )
    this.name = 'UnsafeBaseUrlError'
  }
}

export type ResolveHost = (hostname: string) => Promise<string[]>

export function privateBaseUrlsAllowed(): boolean {
  return Deno.env.get(ALLOW_PRIVATE_ENV)?.trim().toLowerCase() === 'true'
}

/** A and AAAA records; an unknown name, or a failed lookup, resolves to nothing (then refused). */
export const resolveWithDns: ResolveHost = async (hostname) => {
  const lookups = await Promise.allSettled([Deno.resolveDns(hostname, 'A'), Deno.resolveDns(hostname, 'AAAA')])
  return lookups.flatMap((lookup) => (lookup.status === 'fulfilled' ? lookup.value : []))
}

/** Throws UnsafeBaseUrlError when the URL's host is, or resolves to, a non-public address. */
export async function assertPublicUrl(url: string | URL, resolve: ResolveHost = resolveWithDns): Promise<void> {
  const parsed = url instanceof URL ? url : new URL(url)
  const host = parsed.hostname.replace(/^\[|\]$/g, '').toLowerCase().replace(/\.$/, '')
  if (host === 'localhost' || host.endsWith('.localhost')) throw new UnsafeBaseUrlError()
  const addresses = isIpLiteral(host) ? [host] : await resolve(host).catch(() => [])
  // No address at all is not "nothing to fear": fetch resolves the name again its own way
  // (/etc/hosts, mDNS `.local`, search domains), and may find a private one the guard never saw.
  if (addresses.length === 0) throw new UnsafeBaseUrlError()
  if (addresses.some(isNonPublicAddress)) throw new UnsafeBaseUrlError()
}

/** Redirects followed (each one checked) before giving up. */
const MAX_REDIRECTS = 5

/**
 * A fetch that checks the host of every request before making it (the SDK may follow the
 * base URL to other paths, and retries call fetch again). Redirects are followed here, not by
 * fetch, so every hop is checked: a public provider answering 307 Location:
 * http://169.254.169.254/… would otherwise have fetch call the private address unchecked.
 * As fetch does, the credentials are not sent to another origin.
 */
export function guardedFetch(resolve: ResolveHost = resolveWithDns, inner: typeof fetch = fetch): typeof fetch {
  return async (input, init) => {
    let url = input instanceof Request ? input.url : input.toString()
    await assertPublicUrl(url, resolve)
    let response = await inner(input, { ...init, redirect: 'manual' })
    let method = (init?.method ?? (input instanceof Request ? input.method : 'GET')).toUpperCase()
    let body = init?.body
    const headers = new Headers(init?.headers ?? (input instanceof Request ? input.headers : undefined))
    for (let hop = 0; isRedirect(response.status) && response.headers.has('location'); hop++) {
      const next = new URL(response.headers.get('location')!, url)
      await response.body?.cancel()
      if (hop >= MAX_REDIRECTS) throw new TypeError('The AI provider redirected too many times.')
      await assertPublicUrl(next, resolve)
      if (next.origin !== new URL(url).origin) for (const name of ['authorization', 'api-key', 'cookie']) headers.delete(name)
      if (response.status === 303 || ((response.status === 301 || response.status === 302) && method === 'POST')) {
        if (method !== 'HEAD') method = 'GET'
        body = undefined
        headers.delete('content-type')
        headers.delete('content-length')
      }
      url = next.toString()
      response = await inner(url, { ...init, method, body, headers, redirect: 'manual' })
    }
    return response
  }
}

function isRedirect(status: number): boolean {
  return status === 301 || status === 302 || status === 303 || status === 307 || status === 308
}

function isIpLiteral(host: string): boolean {
  return parseIPv4(host) !== null || host.includes(':')
}

export function isNonPublicAddress(address: string): boolean {
  const v4 = parseIPv4(address)
  if (v4) return isNonPublicIPv4(v4)
  const v6 = parseIPv6(address)
  if (!v6) return true // not an address we understand: refuse rather than guess
  return isNonPublicIPv6(v6)
}

function parseIPv4(text: string): number[] | null {
  const parts = text.split('.')
  if (parts.length !== 4 || parts.some((part) => !/^\d{1,3}$/.test(part))) return null
  const bytes = parts.map(Number)
  return bytes.every((byte) => byte <= 255) ? bytes : null
}

function isNonPublicIPv4([a, b, c]: number[]): boolean {
  return (
    a === 0 || // "this network"
    a === 10 ||
    (a === 100 && b >= 64 && b <= 127) || // carrier-grade NAT
    a === 127 ||
    (a === 169 && b === 254) || // link-local, cloud metadata
    (a === 172 && b >= 16 && b <= 31) ||
    (a === 192 && b === 0 && c === 0) ||
    (a === 192 && b === 168) ||
    (a === 198 && (b === 18 || b === 19)) || // benchmarking
    a >= 224 // multicast, reserved, broadcast
  )
}

/** Eight 16-bit groups, or null. Accepts `::` compression and a trailing dotted IPv4. */
function parseIPv6(text: string): number[] | null {
  let address = text.split('%')[0] // zone id
  const dotted = /(\d{1,3}(?:\.\d{1,3}){3})$/.exec(address)
  if (dotted) {
    const v4 = parseIPv4(dotted[1])
    if (!v4) return null
    address = address.slice(0, -dotted[1].length) + `${((v4[0] << 8) | v4[1]).toString(16)}:${((v4[2] << 8) | v4[3]).toString(16)}`
  }
  const halves = address.split('::')
  if (halves.length > 2) return null
  const groups = (half: string) => (half === '' ? [] : half.split(':'))
  const head = groups(halves[0])
  const tail = halves.length === 2 ? groups(halves[1]) : []
  const missing = 8 - head.length - tail.length
  if ((halves.length === 2 && missing < 1) || (halves.length === 1 && missing !== 0)) return null
  const all = [...head, ...Array(Math.max(missing, 0)).fill('0'), ...tail]
  if (all.some((group) => !/^[0-9a-f]{1,4}$/i.test(group))) return null
  return all.map((group) => parseInt(group, 16))
}

function isNonPublicIPv6(g: number[]): boolean {
  const embeddedV4 = (hi: number, lo: number) => [hi >> 8, hi & 0xff, lo >> 8, lo & 0xff]
  if (g.slice(0, 7).every((x) => x === 0) && g[7] <= 1) return true // :: and ::1
  if (g.slice(0, 6).every((x) => x === 0)) return isNonPublicIPv4(embeddedV4(g[6], g[7])) // IPv4-compatible ::a.b.c.d
  if (g.slice(0, 5).every((x) => x === 0) && g[5] === 0xffff) return isNonPublicIPv4(embeddedV4(g[6], g[7])) // IPv4-mapped
  if (g.slice(0, 4).every((x) => x === 0) && g[4] === 0xffff && g[5] === 0) return isNonPublicIPv4(embeddedV4(g[6], g[7])) // IPv4-translated ::ffff:0:a.b.c.d
  if (g[0] === 0x64 && g[1] === 0xff9b && g[2] === 1) return true // local-use NAT64 64:ff9b:1::/48 (a site's own translator)
  if (g[0] === 0x64 && g[1] === 0xff9b) return isNonPublicIPv4(embeddedV4(g[6], g[7])) // NAT64
  if (g[0] === 0x2002) return isNonPublicIPv4(embeddedV4(g[1], g[2])) // 6to4
  return (
    (g[0] & 0xfe00) === 0xfc00 || // unique local
    (g[0] & 0xffc0) === 0xfe80 || // link-local
    (g[0] & 0xffc0) === 0xfec0 || // site-local (deprecated, still routed inside some networks)
    (g[0] & 0xff00) === 0xff00 || // multicast
    g[0] === 0x2001 && g[1] === 0x0db8 // documentation
  )
}
