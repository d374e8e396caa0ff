// whoami: the signed-in user and the workspaces they belong to, read under their own RLS.
// The template for FlowStory's functions: a handler built from injected dependencies (so
// `deno test` calls it with fakes) and a default wiring from the environment for index.ts.
import { authenticatorFromEnv, type Authenticate } from '../_shared/auth.ts'
import { withCors, type Handler } from '../_shared/cors.ts'
import { dbFromEnv, type WithUser } from '../_shared/db.ts'
import { errorResponse, HttpError, jsonResponse } from '../_shared/errors.ts'

export type WhoamiDeps = { authenticate: Authenticate; withUser: WithUser }

export type Workspace = { id: string; name: string; role: 'owner' | 'admin' | 'writer' }

export type WhoamiBody = { user_id: string; email: string | null; workspaces: Workspace[] }

export function createWhoamiHandler(deps: WhoamiDeps): Handler {
  return withCors(async (req) => {
    try {
      if (req.method !== 'GET') throw new HttpError(405, 'method_not_allowed', 'whoami only answers GET requests.')
      const claims = await deps.authenticate(req)
      const rows = await deps.withUser(claims, (tx) =>
        tx<Workspace[]>`
          select t.id, t.name, m.role
          from public.memberships m
          join public.tenants t on t.id = m.tenant_id
          where m.user_id = ${claims.sub}
          order by t.name, t.id`
      )
      const body: WhoamiBody = {
        user_id: claims.sub,
        email: claims.email ?? null,
        workspaces: rows.map(({ id, name, role }) => ({ id, name, role })),
      }
      return jsonResponse(body)
    } catch (error) {
      return errorResponse(error)
    }
  })
}

export function whoamiDepsFromEnv(): WhoamiDeps {
  return { authenticate: authenticatorFromEnv(), withUser: (claims, fn) => dbFromEnv().withUser(claims, fn) }
}
