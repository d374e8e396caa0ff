// Serves PGlite to many clients over the Postgres wire protocol. PGlite is one backend, so
// this server decides what runs when:
// - a client's messages run as whole units: everything up to Sync (extended protocol) or a
//   Query (simple protocol), so two clients' Parse/Bind/Execute never interleave on the
//   shared unnamed statement and portal;
// - while a client has a transaction open, or is between a Flush and its Sync (postgres.js
//   sends Parse/Describe/Flush, waits for the types, then Bind/Execute/Sync), only that
//   client's units run;
// - a client that disconnects inside a transaction has it rolled back.
// (pglite-socket queues single messages, which lets extended-protocol steps interleave.)
import net from 'node:net'
import type { PGlite } from '@electric-sql/pglite'

const SSL_REQUEST = 80877103
const GSS_REQUEST = 80877104
const CANCEL_REQUEST = 80877102
const PROTOCOL_3 = 196608
/** Postgres' own ceiling for one message; anything larger (or negative) is garbage. */
const MAX_MESSAGE_BYTES = 1024 * 1024 * 1024

/** Message types after which the client waits for an answer. */
const UNIT_END = new Set(['S', 'Q', 'H', 'c', 'f'].map((c) => c.charCodeAt(0)))
/** Message types after which the backend is back to idle (ReadyForQuery follows). */
const READY_AFTER = new Set(['S', 'Q'].map((c) => c.charCodeAt(0)))
const TERMINATE = 'X'.charCodeAt(0)

function simpleQuery(text: string): Uint8Array {
  const body = Buffer.from(`${text}\0`, 'utf8')
  const message = Buffer.alloc(5 + body.length)
  message[0] = 'Q'.charCodeAt(0)
  message.writeInt32BE(4 + body.length, 1)
  body.copy(message, 5)
  return new Uint8Array(message)
}

const SYNC = new Uint8Array([0x53, 0, 0, 0, 4])

type Client = { id: number; socket: net.Socket; closed: boolean; midExtendedQuery: boolean }
type Unit = { client: Client; bytes: Uint8Array; endsReady: boolean }

class Scheduler {
  private queue: Unit[] = []
  private owner: Client | null = null
  private running = false
  private readonly db: PGlite
  constructor(db: PGlite) {
    this.db = db
  }

  submit(unit: Unit) {
    this.queue.push(unit)
    void this.pump()
  }

  async release(client: Client) {
    this.queue = this.queue.filter((u) => u.client !== client)
    if (this.owner === client) {
      // Raw protocol, as for every unit: db.exec would wait on the mutex held here. A Sync
      // first ends an extended query the client left open (after an error the backend
      // would otherwise skip every message until one arrives).
      await this.db.runExclusive(async () => {
        if (client.midExtendedQuery) await this.db.execProtocolRawStream(SYNC, { onRawData: () => {} })
        if (this.db.isInTransaction()) await this.db.execProtocolRawStream(simpleQuery('rollback'), { onRawData: () => {} })
      })
      client.midExtendedQuery = false
      this.owner = null
    }
    void this.pump()
  }

  private async pump() {
    if (this.running) return
    this.running = true
    try {
      for (;;) {
        const at = this.owner ? this.queue.findIndex((u) => u.client === this.owner) : 0
        if (at < 0 || this.queue.length === 0) break
        const [unit] = this.queue.splice(at, 1)
        await this.execute(unit)
      }
    } finally {
      this.running = false
    }
  }

  private async execute({ client, bytes, endsReady }: Unit) {
    try {
      await this.db.runExclusive(() =>
        this.db.execProtocolRawStream(bytes, {
          onRawData: (data) => {
            if (!client.closed && client.socket.writable) client.socket.write(data)
          },
        }),
      )
    } catch (error) {
      console.error(`[db] client #${client.id}: protocol failure, closing the connection:`, error)
      client.socket.destroy()
    }
    client.midExtendedQuery = !endsReady
    this.owner = this.db.isInTransaction() || client.midExtendedQuery ? client : null
    if (client.closed && this.owner === client) await this.release(client)
  }
}

export type WireServer = { stop(): Promise<void> }

export async function serveWireProtocol(db: PGlite, host: string, port: number): Promise<WireServer> {
  const scheduler = new Scheduler(db)
  const sockets = new Set<net.Socket>()
  let nextId = 1
  const server = net.createServer((socket) => {
    const client: Client = { id: nextId++, socket, closed: false, midExtendedQuery: false }
    sockets.add(socket)
    socket.setNoDelay(true)
    let buffer: Buffer = Buffer.alloc(0)
    let pending: Buffer[] = []
    let started = false

    const onClose = () => {
      if (client.closed) return
      client.closed = true
      sockets.delete(socket)
      void scheduler.release(client)
    }
    socket.on('close', onClose)
    socket.on('error', onClose)
    socket.on('data', (data) => {
      buffer = buffer.length ? Buffer.concat([buffer, data]) : data
      for (;;) {
        if (!started) {
          if (buffer.length < 8) return
          const length = buffer.readInt32BE(0)
          // A length that cannot hold its own header would never advance: drop the client.
          if (length < 8 || length > MAX_MESSAGE_BYTES) return void socket.destroy()
          if (buffer.length < length) return
          const code = buffer.readInt32BE(4)
          const message = buffer.subarray(0, length)
          buffer = buffer.subarray(length)
          if (code === SSL_REQUEST || code === GSS_REQUEST) {
            socket.write('N')
          } else if (code === CANCEL_REQUEST) {
            socket.end() // PGlite has no other process to interrupt
            return
          } else if (code === PROTOCOL_3) {
            started = true
            scheduler.submit({ client, bytes: new Uint8Array(message), endsReady: true })
          } else {
            socket.destroy()
            return
          }
          continue
        }
        if (buffer.length < 5) return
        const declared = buffer.readInt32BE(1)
        if (declared < 4 || declared > MAX_MESSAGE_BYTES) return void socket.destroy()
        const length = 1 + declared
        if (buffer.length < length) return
        const type = buffer[0]
        const message = buffer.subarray(0, length)
        buffer = buffer.subarray(length)
        if (type === TERMINATE) {
          socket.end()
          return
        }
        pending.push(message)
        if (UNIT_END.has(type)) {
          scheduler.submit({ client, bytes: new Uint8Array(Buffer.concat(pending)), endsReady: READY_AFTER.has(type) })
          pending = []
        }
      }
    })
  })
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(port, host, () => {
      server.off('error', reject)
      resolve()
    })
  })
  return {
    stop: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy()
        server.close(() => resolve())
      }),
  }
}
