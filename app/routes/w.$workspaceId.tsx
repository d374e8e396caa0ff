import type { LoaderFunctionArgs } from '@remix-run/node'
import { json } from '@remix-run/node'
import { Outlet, useLoaderData } from '@remix-run/react'
import { AppShell } from '~/components/app-shell.tsx'
import { GeneralErrorBoundary } from '~/components/error-boundary.tsx'
import { rememberWorkspace } from '~/modules/profiles/profiles.server.ts'
import { listWorkspaces } from '~/modules/workspaces/workspaces.server.ts'
import { requireUser } from '~/utils/auth.server.ts'
import { withUser } from '~/utils/db.server.ts'

export async function loader({ request, params }: LoaderFunctionArgs) {
  const { claims, headers } = await requireUser(request)
  const shell = await withUser(claims, async (tx) => {
    const workspaces = await listWorkspaces({ tx })
    // A malformed id and another workspace's id look the same: not found. (No zod schema here:
    // this layout's browser bundle is part of every workspace page.)
    const current = workspaces.find((w) => w.id === params.workspaceId)
    if (current) await rememberWorkspace({ tx, workspaceId: current.id })
    return { workspaces, current }
  })
  if (!shell.current) throw new Response('Not found', { status: 404, headers })
  return json({ workspaces: shell.workspaces, workspace: shell.current }, { headers })
}

export default function WorkspaceLayout() {
  const { workspaces, workspace } = useLoaderData<typeof loader>()
  return (
    <AppShell workspaces={workspaces} current={workspace}>
      <Outlet />
    </AppShell>
  )
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />
}
