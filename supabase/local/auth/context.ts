// Everything a GoTrue endpoint handler needs, built once per stack.
import net from 'node:net'
import type postgres from 'postgres'
import type { StackKeys } from '../keys.ts'
import type { Mailbox } from '../mail/mailbox.ts'
import type { TokenSigner } from './jwt.ts'
import type { Mailer } from './mailer.ts'
import type { RedirectPolicy } from './redirects.ts'
import type { ClientInfo, SessionIssuer } from './sessions.ts'
import type { AuthSettings } from './settings.ts'

export type AuthContext = {
  /** For inTransaction only; reads go through `read`. */
  sql: postgres.Sql
  /**
   * Runs reads in a read-only transaction. The stack's pglite-socket serves every connection
   * from one backend and can interleave the extended-protocol messages (Parse/Bind/Execute)
   * of concurrent connections outside a transaction, so one connection's query may run
   * another's statement; inside a transaction a connection has the backend to itself.
   */
  read<T>(work: (tx: postgres.TransactionSql) => Promise<T>): Promise<T>
  keys: StackKeys
  settings: AuthSettings
  signer: TokenSigner
  sessions: SessionIssuer
  mailer: Mailer
  mailbox: Mailbox
  redirects: RedirectPolicy
  /** GoTrue's external URL: `${API_URL}/auth/v1`, where email links send people to /verify. */
  externalUrl: string
  logError(message: string, error: unknown): void
}

/** One request as the handlers see it. */
export type AuthRequest = {
  req: Request
  url: URL
  client: ClientInfo
}

export function clientInfo(req: Request): ClientInfo {
  const forwarded = req.headers.get('x-forwarded-for')?.split(',')[0]?.trim() ?? ''
  return { userAgent: req.headers.get('user-agent'), ip: net.isIP(forwarded) ? forwarded : null }
}
