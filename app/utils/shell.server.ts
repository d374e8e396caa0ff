// What every signed-in page's frame needs: the user's name and their workspaces.
import { getOwnProfile } from '~/modules/profiles/profiles.server.ts'
import { listWorkspaces } from '~/modules/workspaces/workspaces.server.ts'
import type { Tx, VerifiedClaims } from './db.server.ts'

export async function loadShell({ tx, claims }: { tx: Tx; claims: VerifiedClaims }) {
  const [profile, workspaces] = await Promise.all([getOwnProfile({ tx }), listWorkspaces({ tx })])
  const email = claims.email ?? ''
  return { user: { displayName: profile?.displayName ?? email, email }, workspaces, profile }
}
