// Ports and state folder of the throw-away stack the tests run against, kept apart from a
// developer's `npm run dev` stack (54321/54322/54324) so both can run at once.
import os from 'node:os'
import path from 'node:path'

export const TEST_STACK_PORTS = { apiPort: 55321, dbPort: 55322, mailPort: 55324 }
export const TEST_APP_PORT = 3311
export const testStackStateDir = () => path.join(os.tmpdir(), `flowstory-test-stack-${process.pid}`)
