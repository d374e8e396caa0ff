// The one way actions read their body: only real form submissions, at most a few KB, so a
// JSON body, a huge upload or garbage gets a 4xx page instead of a crash.
export const FORM_BODY_LIMIT = 64 * 1024

const FORM_TYPES = ['application/x-www-form-urlencoded', 'multipart/form-data']

export async function readFormData(request: Request, limit = FORM_BODY_LIMIT): Promise<FormData> {
  refuseCrossSiteForm(request)
  const type = (request.headers.get('content-type') ?? '').toLowerCase()
  if (!FORM_TYPES.some((t) => type.startsWith(t))) {
    throw new Response('This address accepts form submissions from its page only.', { status: 415 })
  }
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
  try {
    return await new Response(new Uint8Array(Buffer.concat(chunks)), { headers: { 'content-type': type } }).formData()
  } catch {
    throw new Response('The form could not be read. Reload the page and try again.', { status: 400 })
  }
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
  return new Response('The form is too large.', { status: 413 })
}
