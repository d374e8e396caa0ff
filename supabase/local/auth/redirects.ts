// Where GoTrue lets emails and /verify send people back to: the site URL (any port on
// loopback hosts) and the additional_redirect_urls patterns; anything else falls back to
// the site URL, as GoTrue's GetReferrer does. A URL with control characters is not a URL
// to Go's url.Parse, so it is never allowed; an allowed one is used in its serialised form,
// which is always safe to put in a Location header.
import type { AuthSettings } from './settings.ts'

export type RedirectPolicy = { isAllowed(url: string): boolean; referrer(req: Request, url: URL): string }

export function createRedirectPolicy(settings: AuthSettings): RedirectPolicy {
  const patterns = settings.additionalRedirectUrls.map(globToRegExp)
  const site = safeUrl(settings.siteUrl)

  const isAllowed = (candidate: string): boolean => {
    if (!candidate || CONTROL_CHARACTER.test(candidate)) return false
    const target = safeUrl(candidate)
    if (!target || !site) return false
    if (
      site.hostname === target.hostname &&
      site.protocol === target.protocol &&
      (site.port === target.port || isLoopbackName(target.hostname))
    ) {
      return true
    }
    const host = target.hostname.replace(/^\[|\]$/g, '')
    if (/^\d+$/.test(host)) return false
    if (isIpAddress(host)) return isLoopbackIp(host)
    const withoutFragment = candidate.split('#')[0]
    return patterns.some((pattern) => pattern.test(withoutFragment))
  }

  return {
    isAllowed,
    referrer(req, url) {
      const requested = req.headers.get('redirect_to') || url.searchParams.get('redirect_to') || ''
      if (isAllowed(requested)) return serialised(requested)
      const referer = req.headers.get('referer') ?? ''
      if (isAllowed(referer)) return serialised(referer)
      return settings.siteUrl
    },
  }
}

// What Go's url.Parse refuses with "invalid control character in URL".
// eslint-disable-next-line no-control-regex
const CONTROL_CHARACTER = /[\u0000-\u001f\u007f]/

/**
 * The WHATWG serialisation (non-ASCII percent-encoded), except for the "/" it adds after a
 * bare origin: GoTrue sends `http://localhost:3000` back exactly as given.
 */
function serialised(allowed: string): string {
  const url = new URL(allowed)
  const pathStart = url.href.indexOf('/', url.protocol.length + 2)
  const givenPath = allowed.split(/[?#]/)[0]
  if (url.pathname === '/' && pathStart !== -1 && !/[/\\]$/.test(givenPath)) {
    return url.href.slice(0, pathStart) + url.href.slice(pathStart + 1)
  }
  return url.href
}

function safeUrl(value: string): URL | null {
  try {
    return new URL(value)
  } catch {
    return null
  }
}

function isLoopbackName(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, '')
  return host === 'localhost' || isLoopbackIp(host)
}

function isIpAddress(host: string): boolean {
  return /^\d{1,3}(\.\d{1,3}){3}$/.test(host) || host.includes(':')
}

function isLoopbackIp(host: string): boolean {
  return /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host) || host === '::1'
}

/** gobwas/glob semantics as GoTrue compiles them: `**` spans anything, `*` and `?` stop at `.` and `/`. */
function globToRegExp(glob: string): RegExp {
  let source = ''
  for (let i = 0; i < glob.length; i++) {
    const ch = glob[i]
    if (ch === '*' && glob[i + 1] === '*') {
      source += '.*'
      i++
    } else if (ch === '*') source += '[^./]*'
    else if (ch === '?') source += '[^./]'
    else source += ch.replace(/[\\^$+.()|{}[\]]/g, '\\$&')
  }
  return new RegExp(`^${source}$`)
}
