// The one way actions read their body: only real form submissions, at most a few KB, so a
// JSON body, a huge upload or garbage gets a 4xx page instead of a crash.
export const FORM_BODY_LIMIT = 64 * 1024

const FORM_TYPES = ['application/x-www-form-urlencoded', 'multipart/form-data']

export async function readFormData(request: Request, limit = FORM_BODY_LIMIT): Promise<FormData> {
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

function tooLarge() {
  return new Response('The form is too large.', { status: 413 })
}
