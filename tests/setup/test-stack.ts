// The throw-away stack the tests run against lives in its own temp folder on free ports,
// apart from a developer's `npm run dev` stack (54321/54322/54324), so both (and several
// test runs) can run at once.
import os from 'node:os'
import path from 'node:path'

export { freePort } from '../../supabase/local/net.ts'

export const testStackStateDir = () => path.join(os.tmpdir(), `flowstory-test-stack-${process.pid}`)
