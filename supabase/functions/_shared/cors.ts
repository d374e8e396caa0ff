// CORS for functions the browser calls directly (supabase.functions.invoke): preflights are
// answered here, and every response carries the headers, errors included.

export const corsHeaders: Record<string, string> = {
  'access-control-allow-origin': '*',
  'access-control-allow-headers': 'authorization, x-client-info, apikey, content-type',
  'access-control-allow-methods': 'GET, POST, OPTIONS',
}

export type Handler = (req: Request) => Promise<Response>

export function withCors(handler: Handler): Handler {
  return async (req) => {
    if (req.method === 'OPTIONS') return new Response(null, { status: 204, headers: corsHeaders })
    const response = await handler(req)
    const headers = new Headers(response.headers)
    for (const [name, value] of Object.entries(corsHeaders)) if (!headers.has(name)) headers.set(name, value)
    return new Response(response.body, { status: response.status, statusText: response.statusText, headers })
  }
}
