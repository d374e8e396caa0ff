// /app: where sign-in lands. Opens the workspace the writer used last, else their first.
import type { LoaderFunctionArgs } from '@remix-run/node'
import { redirect } from '@remix-run/node'
import { getOwnProfile } from '~/modules/profiles/profiles.server.ts'
import { listWorkspaces } from '~/modules/workspaces/workspaces.server.ts'
import { requireUser } from '~/utils/auth.server.ts'
import { withUser } from '~/utils/db.server.ts'

export async function loader({ request }: LoaderFunctionArgs) {
  const { claims, headers } = await requireUser(request)
  const target = await withUser(claims, async (tx) => {
    const [profile, workspaces] = await Promise.all([getOwnProfile({ tx }), listWorkspaces({ tx })])
    const last = workspaces.find((w) => w.id === profile?.lastTenantId)
    return (last ?? workspaces[0])?.id ?? null
  })
  const notice = new URL(request.url).searchParams.get('notice')
  const suffix = notice ? `?notice=${encodeURIComponent(notice)}` : ''
  throw redirect(target ? `/w/${target}${suffix}` : '/workspaces/new', { headers })
}
