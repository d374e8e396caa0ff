// The single HTTP entry point on :54321, standing in for Supabase's API gateway: it hands
// each request to the service that owns its path prefix, answers CORS preflights, and
// answers every path no service owns with 501 naming the endpoint, never a silent success.
import { errorResponse, json, type FetchHandler } from './http.ts'
import type { StackService } from './service.ts'

const CORS_HEADERS = {
  'access-control-allow-origin': '*',
  'access-control-allow-methods': 'GET, POST, PUT, PATCH, DELETE, OPTIONS',
  'access-control-allow-headers':
    'authorization, x-client-info, apikey, content-type, x-upsert, x-metadata, x-supabase-api-version, cache-control, accept-profile, content-profile, prefer, range',
  'access-control-expose-headers': 'content-range, content-length, retry-after, x-supabase-api-version',
  'access-control-max-age': '86400',
}

export function createGateway(services: StackService[]): FetchHandler {
  return async (req) => {
    const url = new URL(req.url)
    if (req.method === 'OPTIONS') return new Response(null, { status: 204, headers: CORS_HEADERS })
    let response: Response
    if (url.pathname === '/local/v1/health') {
      response = json({ status: 'ok', services: services.map((s) => s.prefix) })
    } else {
      const service = services.find((s) => url.pathname === s.prefix || url.pathname.startsWith(`${s.prefix}/`))
      try {
        response = service ? await service.handle(req) : notImplemented(req.method, url.pathname)
      } catch (error) {
        response = errorResponse(error, service?.prefix ?? 'gateway')
      }
    }
    const headers = new Headers(response.headers)
    for (const [name, value] of Object.entries(CORS_HEADERS)) if (!headers.has(name)) headers.set(name, value)
    return new Response(response.body, { status: response.status, statusText: response.statusText, headers })
  }
}

export function notImplemented(method: string, pathname: string): Response {
  return json(
    {
      code: 501,
      error_code: 'not_implemented',
      msg: `The local stack does not implement ${method} ${pathname}`,
      endpoint: `${method} ${pathname}`,
    },
    501,
  )
}
