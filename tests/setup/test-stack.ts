// The throw-away stack the tests run against lives in its own temp folder on free ports,
// apart from a developer's `npm run dev` stack (54321/54322/54324), so both (and several
// test runs) can run at once.
import net from 'node:net'
import os from 'node:os'
import path from 'node:path'

export const testStackStateDir = () => path.join(os.tmpdir(), `flowstory-test-stack-${process.pid}`)

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo
      server.close(() => resolve(port))
    })
  })
}
