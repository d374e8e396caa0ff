// `npm run stack:status`: like `supabase status -o env`, prints KEY="value" lines for the
// running local stack so scripts and tests can find it; exits 1 when it is not running.
import fs from 'node:fs/promises'
import path from 'node:path'
import { stackConfigFromEnv } from '../supabase/local/config.ts'

const { stateDir } = stackConfigFromEnv()
let envText: string
try {
  envText = await fs.readFile(path.join(stateDir, 'stack.env'), 'utf8')
} catch {
  console.error('The local stack has never been started here. Start it with: npm run dev (or npm run stack:start)')
  process.exit(1)
}
const apiUrl = /^API_URL="(.*)"$/m.exec(envText)?.[1]
const healthy = apiUrl ? await fetch(`${apiUrl}/local/v1/health`).then((r) => r.ok, () => false) : false
if (!healthy) {
  console.error(`The local stack is not running (nothing answers at ${apiUrl}). Start it with: npm run dev (or npm run stack:start)`)
  process.exit(1)
}
process.stdout.write(envText)
