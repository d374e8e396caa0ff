// `npm run embed:drain`: one pass over the book memory's queue, as a scheduler runs it every
// minute in production (or pg_cron + pg_net, see the README): chapters saved since the last pass
// are embedded by the `embed` Edge Function (decision 017), called with the service role.
// `npm run dev` calls drainEmbeddings every 30 seconds against the local stack.
// Needs SUPABASE_URL and SUPABASE_SERVICE_ROLE_KEY (or SUPABASE_SECRET_KEY).
import { fileURLToPath } from 'node:url'

export type DrainResult = { claimed: number; done: number; failed: number; reasons: string[] }

/** One drain; throws with a sentence when the function cannot be reached or refuses. */
export async function drainEmbeddings(apiUrl: string, serviceKey: string): Promise<DrainResult> {
  const response = await fetch(new URL('/functions/v1/embed', apiUrl), {
    method: 'POST',
    headers: { authorization: `Bearer ${serviceKey}`, apikey: serviceKey, 'content-type': 'application/json' },
    body: JSON.stringify({ drain: true }),
  }).catch((error: Error) => {
    throw new Error(`could not reach the embed function (${error.message})`)
  })
  const body = (await response.json().catch(() => null)) as { claimed?: number; done?: unknown[]; failed?: { code: string }[]; code?: string } | null
  if (!response.ok) throw new Error(`the embed function answered ${response.status}${body?.code ? ` (${body.code})` : ''}`)
  const failed = body?.failed ?? []
  return { claimed: body?.claimed ?? 0, done: body?.done?.length ?? 0, failed: failed.length, reasons: [...new Set(failed.map((f) => f.code))] }
}

export function describeDrain(result: DrainResult): string {
  const reasons = result.reasons.length ? ` (${result.reasons.join(', ')})` : ''
  return `Embedding queue: ${result.done} chapters embedded, ${result.failed} to retry later${reasons}.`
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const apiUrl = process.env.SUPABASE_URL
  const serviceKey = process.env.SUPABASE_SERVICE_ROLE_KEY ?? process.env.SUPABASE_SECRET_KEY
  if (!apiUrl || !serviceKey) {
    console.error('Set SUPABASE_URL and SUPABASE_SERVICE_ROLE_KEY (or SUPABASE_SECRET_KEY) to drain the embedding queue.')
    process.exit(2)
  }
  try {
    console.log(describeDrain(await drainEmbeddings(apiUrl, serviceKey)))
  } catch (error) {
    console.error(`Embedding queue: ${(error as Error).message}.`)
    process.exit(1)
  }
}
