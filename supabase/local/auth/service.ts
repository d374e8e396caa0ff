// The local stack's GoTrue (Supabase Auth) at /auth/v1: the endpoints supabase-js and
// @supabase/ssr call, answering with GoTrue's shapes, status codes and error codes, on the
// real auth schema (users, identities, sessions, refresh_tokens, flow_state,
// one_time_tokens) through the stack's Postgres. Routes GoTrue has but the stand-in does
// not implement answer 501 with their name; paths GoTrue does not know answer 404.
import { decodePercent, json } from '../http.ts'
import { roleOfApiKey } from '../keys.ts'
import type { ServiceContext, StackService } from '../service.ts'
import { apiKeyOf, requireAdmin } from './caller.ts'
import { clientInfo, type AuthContext, type AuthRequest } from './context.ts'
import { AuthApiError, authErrorResponse, requestedApiVersion, validationFailed } from './errors.ts'
import { createTokenSigner } from './jwt.ts'
import { createMailer } from './mailer.ts'
import { createRedirectPolicy } from './redirects.ts'
import { createUser, deleteUserById, generateLink, getUserById, invite, listUsers, updateUserById } from './routes/admin.ts'
import { notImplementedFeature } from './routes/not-implemented.ts'
import { magicLink, otp } from './routes/otp.ts'
import { recover, resend } from './routes/recover.ts'
import { signup } from './routes/signup.ts'
import { token } from './routes/token.ts'
import { getUser, logout, updateUser } from './routes/user.ts'
import { verifyGet, verifyPost } from './routes/verify.ts'
import { createSessionIssuer } from './sessions.ts'
import { loadAuthSettings } from './settings.ts'

const PREFIX = '/auth/v1'

type Handler = (ctx: AuthContext, ar: AuthRequest, param: string) => Promise<Response>
type Route = { pattern: RegExp; methods: Partial<Record<string, Handler>>; admin?: boolean; open?: boolean }

const notImplementedRoute =
  (feature: string): Handler =>
  async (_ctx, { req, url }) =>
    notImplementedFeature(req, url, feature)

const ANY_METHOD = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE']
const all = (handler: Handler) => Object.fromEntries(ANY_METHOD.map((m) => [m, handler]))

const ROUTES: Route[] = [
  { pattern: /^\/health$/, methods: { GET: async () => json({ version: 'local', name: 'GoTrue', description: 'GoTrue is a user registration and authentication API' }) } },
  { pattern: /^\/settings$/, methods: { GET: async (ctx) => json(settingsBody(ctx)) } },
  { pattern: /^\/\.well-known\/jwks\.json$/, open: true, methods: { GET: async (ctx) => json({ keys: [publicKey(ctx)] }, 200, { 'cache-control': 'public, max-age=600' }) } },
  { pattern: /^\/signup$/, methods: { POST: signup } },
  { pattern: /^\/token$/, methods: { POST: token } },
  { pattern: /^\/verify$/, open: true, methods: { GET: verifyGet, POST: verifyPost } },
  { pattern: /^\/otp$/, methods: { POST: otp } },
  { pattern: /^\/magiclink$/, methods: { POST: magicLink } },
  { pattern: /^\/recover$/, methods: { POST: recover } },
  { pattern: /^\/resend$/, methods: { POST: resend } },
  { pattern: /^\/user$/, methods: { GET: getUser, PUT: updateUser } },
  { pattern: /^\/logout$/, methods: { POST: logout } },
  { pattern: /^\/invite$/, admin: true, methods: { POST: invite } },
  { pattern: /^\/admin\/users$/, admin: true, methods: { GET: listUsers, POST: createUser } },
  { pattern: /^\/admin\/users\/([^/]+)$/, admin: true, methods: { GET: getUserById, PUT: updateUserById, DELETE: deleteUserById } },
  { pattern: /^\/admin\/generate_link$/, admin: true, methods: { POST: generateLink } },
  // GoTrue endpoints outside the stand-in's scope: named 501s, never silent successes.
  { pattern: /^\/admin\/users\/[^/]+\/(factors|passkeys)(\/.*)?$/, admin: true, methods: all(notImplementedRoute('MFA factors and passkeys')) },
  { pattern: /^\/admin\/(sso|oauth|custom-providers|audit)(\/.*)?$/, admin: true, methods: all(notImplementedRoute('SSO, OAuth server and audit administration')) },
  { pattern: /^\/(authorize|callback)$/, open: true, methods: all(notImplementedRoute('OAuth providers')) },
  { pattern: /^\/\.well-known\/(openid-configuration|oauth-authorization-server)$/, open: true, methods: all(notImplementedRoute('OpenID discovery')) },
  { pattern: /^\/(sso|saml)(\/.*)?$/, methods: all(notImplementedRoute('SSO / SAML')) },
  { pattern: /^\/factors(\/.*)?$/, methods: all(notImplementedRoute('multi-factor authentication')) },
  { pattern: /^\/passkeys(\/.*)?$/, methods: all(notImplementedRoute('passkeys')) },
  { pattern: /^\/user\/identities(\/.*)?$/, methods: all(notImplementedRoute('identity linking')) },
  { pattern: /^\/user\/oauth(\/.*)?$/, methods: all(notImplementedRoute('OAuth grants')) },
  { pattern: /^\/oauth(\/.*)?$/, methods: all(notImplementedRoute('the OAuth 2.1 server')) },
  { pattern: /^\/reauthenticate$/, methods: all(notImplementedRoute('reauthentication nonces')) },
]

export function createAuthService(context: ServiceContext): StackService {
  const settings = loadAuthSettings(context.config.siteUrl)
  const externalUrl = `${context.urls.apiUrl}${PREFIX}`
  const signer = createTokenSigner(context.keys, externalUrl, settings.jwtExpirySeconds)
  const ctx: AuthContext = {
    sql: context.sql,
    read: async (work) => (await context.sql.begin('read only', work)) as Awaited<ReturnType<typeof work>>,
    keys: context.keys,
    settings,
    signer,
    sessions: createSessionIssuer(settings, signer),
    mailer: createMailer(settings),
    mailbox: context.mailbox,
    redirects: createRedirectPolicy(settings),
    externalUrl,
    logError: (message, error) => {
      if (!context.config.quiet) console.error(`[auth] ${message}`, error)
    },
  }
  return { prefix: PREFIX, handle: (req) => handle(ctx, req) }
}

async function handle(ctx: AuthContext, req: Request): Promise<Response> {
  const url = new URL(req.url)
  const path = url.pathname.slice(PREFIX.length).replace(/\/+$/, '') || '/'
  const route = ROUTES.find((r) => r.pattern.test(path))
  try {
    if (!route?.open) {
      const gate = checkApiKey(ctx, req, url)
      if (gate) return gate
    }
    // chi answers unknown paths with a plain-text 404 and known paths with a bodiless 405.
    if (!route) return new Response('404 page not found\n', { status: 404, headers: { 'content-type': 'text/plain; charset=utf-8' } })
    if (route.admin) await requireAdmin(ctx, req, url)
    const handler = route.methods[req.method]
    if (!handler) return new Response(null, { status: 405 })
    const param = decodePercent(route.pattern.exec(path)?.[1] ?? '')
    if (param === null) throw validationFailed('The request path has a malformed percent-encoding')
    return await handler(ctx, { req, url, client: clientInfo(req) }, param)
  } catch (error) {
    if (error instanceof AuthApiError) {
      if (error.status >= 500) ctx.logError(`${req.method} ${url.pathname}: ${error.message}`, error.cause ?? error)
      return authErrorResponse(error, req)
    }
    ctx.logError(`${req.method} ${url.pathname} failed unexpectedly`, error)
    return authErrorResponse(new AuthApiError(500, 'unexpected_failure', 'Unexpected failure, please check server logs for more information'), req)
  }
}

/**
 * Supabase's API gateway refuses requests without a project API key before they reach
 * GoTrue; only the endpoints email links and browsers open directly are exempt.
 */
function checkApiKey(ctx: AuthContext, req: Request, url: URL): Response | null {
  const key = apiKeyOf(req, url)
  if (!key) {
    return json({ message: 'No API key found in request', hint: 'No `apikey` request header or url param was found.' }, 401, versionHeader(req))
  }
  if (!roleOfApiKey(ctx.keys, key)) {
    return json({ message: 'Invalid API key', hint: 'Double check your Supabase `anon` or `service_role` API key.' }, 401, versionHeader(req))
  }
  return null
}

function versionHeader(req: Request): Record<string, string> {
  const version = requestedApiVersion(req)
  return version ? { 'x-supabase-api-version': version } : {}
}

function publicKey(ctx: AuthContext) {
  const { kty, crv, x, y, kid, alg, use } = ctx.keys.publicJwk
  return { alg, crv, ext: true, key_ops: ['verify'], kid, kty, use, x, y }
}

function settingsBody(ctx: AuthContext) {
  const s = ctx.settings
  const providers = ['apple', 'azure', 'bitbucket', 'discord', 'facebook', 'snapchat', 'figma', 'fly', 'github', 'gitlab', 'google', 'keycloak', 'kakao', 'linkedin', 'linkedin_oidc', 'notion', 'spotify', 'slack', 'slack_oidc', 'workos', 'twitch', 'twitter', 'zoom']
  return {
    external: {
      anonymous_users: s.anonymousSignInsEnabled,
      ...Object.fromEntries(providers.map((p) => [p, false])),
      email: s.emailProviderEnabled,
      phone: s.phoneProviderEnabled,
    },
    disable_signup: !s.signupEnabled,
    mailer_autoconfirm: s.mailerAutoconfirm,
    phone_autoconfirm: false,
    sms_provider: 'twilio',
    saml_enabled: false,
    saml_private_key_next_configured: false,
    passkeys_enabled: false,
  }
}
