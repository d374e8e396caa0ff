// The editor's AI panel talks to this resource route (action only), never to the Edge
// Function: the session lives in httpOnly cookies, so only the server holds the writer's
// access token. It checks the request (same origin, JSON, the contract's shape), adds the
// workspace and book from the URL and forwards to `${SUPABASE_URL}/functions/v1/chat` with
// the writer's token; the function's answer comes back unchanged and unbuffered (status,
// Retry-After, the SSE stream as it arrives). When the browser goes away (Stop), Remix
// aborts request.signal and with it the upstream fetch, so the function sees the disconnect
// and stops the provider. Contract and reasons: docs/decisions/018-chat-function.md.
import type { ActionFunctionArgs } from '@remix-run/node'
import { json } from '@remix-run/node'
import { ChatBodySchema, describeIssue } from '~/modules/ai/chat-request.ts'
import { getRequestAuth } from '~/utils/auth.server.ts'
import { env } from '~/utils/env.server.ts'
import { readJsonBody } from '~/utils/request-body.server.ts'

/** A 20,000-character selection and 12 turns of 8,000 characters fit in this, with room. */
const BODY_LIMIT = 512 * 1024
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i
/** What the function's answer keeps; hop-by-hop and length headers are the server's business. */
const PASSED_HEADERS = ['content-type', 'cache-control', 'retry-after', 'x-accel-buffering']

export async function loader() {
  return json({ code: 'method_not_allowed', message: 'POST a chat request to this address.' }, { status: 405, headers: { allow: 'POST' } })
}

export async function action({ request, params }: ActionFunctionArgs) {
  const { workspaceId, bookId } = params
  if (!UUID.test(workspaceId ?? '') || !UUID.test(bookId ?? '')) {
    return json({ code: 'not_found', message: 'This book does not exist.' }, { status: 404 })
  }
  // Origin, content type and size as every action checks them. readJsonBody throws a plain
  // text Response (what forms want); the contract says every error here is JSON {code, message}.
  let raw: unknown
  try {
    raw = await readJsonBody(request, BODY_LIMIT)
  } catch (thrown) {
    if (thrown instanceof Response) return refusal(thrown.status)
    throw thrown
  }
  const parsed = ChatBodySchema.safeParse(raw)
  if (!parsed.success) return json({ code: 'invalid_request', message: describeIssue(parsed.error) }, { status: 400 })

  const { supabase, claims, headers } = await getRequestAuth(request)
  // getClaims() above verified (and if needed refreshed) this very session's token.
  const token = claims ? (await supabase.auth.getSession()).data.session?.access_token : undefined
  // A script calling this needs an answer it can read, not the sign-in page.
  if (!token) return json({ code: 'missing_authorization', message: 'Sign in again: your session has ended.' }, { status: 401, headers })

  const upstreamHeaders: Record<string, string> = {
    authorization: `Bearer ${token}`,
    apikey: env().SUPABASE_ANON_KEY,
    'content-type': 'application/json',
    accept: parsed.data.preview ? 'application/json' : 'text/event-stream',
  }
  const ip = browserIp(request)
  if (ip) upstreamHeaders['x-forwarded-for'] = ip

  // Until the function answers, the browser going away aborts the request; afterwards it
  // cancels the body we are relaying. (Not request.signal straight into fetch: under
  // remix-serve, Remix's fetch polyfill answers an abort after the response by cancelling a
  // body that already has a reader, and that rejection takes the whole server down.)
  if (request.signal.aborted) return new Response(null, { status: 499 })
  const beforeAnswer = new AbortController()
  const abortBeforeAnswer = () => beforeAnswer.abort()
  request.signal.addEventListener('abort', abortBeforeAnswer, { once: true })
  let upstream: Response
  try {
    upstream = await fetch(`${env().SUPABASE_URL}/functions/v1/chat`, {
      method: 'POST',
      headers: upstreamHeaders,
      body: JSON.stringify({ ...parsed.data, workspaceId, bookId }),
      signal: beforeAnswer.signal,
    })
  } catch (error) {
    if (request.signal.aborted) return new Response(null, { status: 499 })
    console.error('chat proxy: the chat function is unreachable:', (error as Error).name, (error as Error).message)
    return json(
      { code: 'functions_unreachable', message: 'The AI service cannot be reached right now. Try again in a moment.' },
      { status: 502, headers },
    )
  } finally {
    request.signal.removeEventListener('abort', abortBeforeAnswer)
  }

  // The auth client's refreshed session cookies (if any), plus the function's own headers.
  const answer = new Headers(headers)
  for (const name of PASSED_HEADERS) {
    const value = upstream.headers.get(name)
    if (value !== null) answer.set(name, value)
  }
  return new Response(relay(upstream.body, request.signal), { status: upstream.status, headers: answer })
}

/** readJsonBody's refusals (by status) as the contract's JSON errors. */
const REFUSALS: Record<number, { code: string; message: string }> = {
  403: { code: 'cross_site', message: 'AI requests are only accepted from FlowStory\u2019s own pages.' },
  413: { code: 'body_too_large', message: 'The request is too large. Select a shorter passage and try again.' },
  415: { code: 'unsupported_media_type', message: 'Send the request as JSON (content-type: application/json).' },
  400: { code: 'invalid_request', message: 'The request body is not valid JSON.' },
}

function refusal(status: number) {
  const known = REFUSALS[status] ?? { code: 'invalid_request', message: 'The request could not be read.' }
  return json(known, { status: REFUSALS[status] ? status : 400 })
}

/**
 * The function's body chunk by chunk as it arrives (one read per pull: nothing is held back),
 * cancelled upstream when the browser goes away, so the function sees the disconnect.
 */
function relay(body: ReadableStream<Uint8Array> | null, browser: AbortSignal): ReadableStream<Uint8Array> | null {
  if (!body) return null
  const reader = body.getReader()
  const stop = () => void reader.cancel().catch(() => {})
  if (browser.aborted) stop()
  else browser.addEventListener('abort', stop, { once: true })
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      try {
        const { done, value } = await reader.read()
        if (done) {
          browser.removeEventListener('abort', stop)
          controller.close()
        } else controller.enqueue(value)
      } catch (error) {
        browser.removeEventListener('abort', stop)
        controller.error(error)
      }
    },
    cancel() {
      browser.removeEventListener('abort', stop)
      stop()
    },
  })
}

/**
 * The browser's address as the hosting's load balancer reports it: the LAST X-Forwarded-For
 * value, the one the load balancer appended. Everything before it came from the browser, which
 * can write any address there (to dodge the per-IP limit, or to spend someone else's). Without
 * the header the function counts the app server's address.
 */
function browserIp(request: Request): string | null {
  const last = request.headers.get('x-forwarded-for')?.split(',').at(-1)?.trim()
  return last && /^[0-9a-f.:]{2,45}$/i.test(last) ? last : null
}
