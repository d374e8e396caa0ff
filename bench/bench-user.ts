import type { RunningStack } from '../supabase/local/start.ts'

/** A confirmed writer with a password, created the way an admin would (service key), to sign in through the app. */
export async function createBenchUser(stack: RunningStack, prefix: string): Promise<{ id: string; email: string; password: string }> {
  const email = `${prefix}-${Date.now()}@example.com`
  const password = 'benchmark password'
  const created = await fetch(`${stack.env.API_URL}/auth/v1/admin/users`, {
    method: 'POST',
    headers: { apikey: stack.env.SERVICE_ROLE_KEY, authorization: `Bearer ${stack.env.SERVICE_ROLE_KEY}`, 'content-type': 'application/json' },
    body: JSON.stringify({ email, password, email_confirm: true, user_metadata: { display_name: 'Bench' } }),
  })
  if (!created.ok) throw new Error(`could not create the benchmark user: ${created.status} ${await created.text()}`)
  const { id } = (await created.json()) as { id: string }
  return { id, email, password }
}
