// The one way actions read their body: form submissions (at most a few KB) and the
// editor's JSON saves, both bounded and refused when posted from another site, so a huge
// upload, garbage or a cross-site post gets a 4xx instead of a crash.
export const FORM_BODY_LIMIT = 64 * 1024

const FORM_TYPES = ['application/x-www-form-urlencoded', 'multipart/form-data']

export async function readFormData(request: Request, limit = FORM_BODY_LIMIT): Promise<FormData> {
  refuseCrossSiteForm(request)
  // The multipart boundary is case-sensitive: compare the media type in lower case only.
  const type = request.headers.get('content-type') ?? ''
  if (!FORM_TYPES.some((t) => type.toLowerCase().startsWith(t))) {
    throw new Response('This address accepts form submissions from its page only.', { status: 415 })
  }
  const body = await readBounded(request, limit)
  try {
    return await new Response(body, { headers: { 'content-type': type } }).formData()
  } catch {
    throw new Response('The form could not be read. Reload the page and try again.', { status: 400 })
  }
}

/** A JSON body (the editor's saves): same origin rule and size bound as forms. */
export async function readJsonBody(request: Request, limit: number): Promise<unknown> {
  refuseCrossSiteForm(request)
  if (!(request.headers.get('content-type') ?? '').toLowerCase().startsWith('application/json')) {
    throw new Response('Send JSON.', { status: 415 })
  }
  const body = await readBounded(request, limit)
  try {
    return JSON.parse(new TextDecoder().decode(body))
  } catch {
    throw new Response('The request body is not valid JSON.', { status: 400 })
  }
}

async function readBounded(request: Request, limit: number): Promise<Uint8Array<ArrayBuffer>> {
  if (Number(request.headers.get('content-length') ?? 0) > limit) throw tooLarge()
  const chunks: Uint8Array[] = []
  let size = 0
  if (request.body) {
    const reader = request.body.getReader()
    for (;;) {
      const { done, value } = await reader.read()
      if (done) break
      size += value.byteLength
      if (size > limit) {
        await reader.cancel()
        throw tooLarge()
      }
      chunks.push(value)
    }
  }
  return new Uint8Array(Buffer.concat(chunks))
}

/**
 * Browsers send Origin with every form post; one from another site (or the opaque "null")
 * is refused, so no other page can post as the user — or sign them into someone else's
 * account through the login form, which needs no cookie.
 */
function refuseCrossSiteForm(request: Request) {
  const origin = request.headers.get('origin')
  if (origin === null) return
  const ownHosts = [new URL(request.url).host, request.headers.get('host'), request.headers.get('x-forwarded-host')]
  let host: string | null = null
  try {
    host = origin === 'null' ? null : new URL(origin).host
  } catch {
    host = null
  }
  if (!host || !ownHosts.includes(host)) {
    throw new Response('Forms are only accepted from FlowStory’s own pages.', { status: 403 })
  }
}

function tooLarge() {
  return new Response('What you sent is too large.', { status: 413 })
}
