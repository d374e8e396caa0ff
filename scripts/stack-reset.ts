// `npm run stack:reset`: deletes the local stack's database (keys are kept), like
// `supabase db reset`; the next start re-applies bootstrap, migrations and seed.
import fs from 'node:fs/promises'
import path from 'node:path'
import { stackConfigFromEnv } from '../supabase/local/config.ts'

const { stateDir } = stackConfigFromEnv()
try {
  await fs.access(path.join(stateDir, 'stack.json'))
  console.error('The local stack seems to be running; stop it (Ctrl-C in its terminal) before resetting.')
  process.exit(1)
} catch {}
await fs.rm(path.join(stateDir, 'db'), { recursive: true, force: true })
console.log('Local database removed; the next `npm run dev` starts from the migrations and seed.sql.')
