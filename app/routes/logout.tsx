import type { ActionFunctionArgs } from '@remix-run/node'
import { redirect } from '@remix-run/node'
import { getRequestAuth } from '~/utils/auth.server.ts'

export async function loader() {
  return redirect('/')
}

export async function action({ request }: ActionFunctionArgs) {
  const { supabase, headers } = await getRequestAuth(request)
  await supabase.auth.signOut({ scope: 'local' })
  return redirect('/?notice=signedOut', { headers })
}
