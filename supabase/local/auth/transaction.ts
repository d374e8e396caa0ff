// One database transaction per write, as GoTrue does: a user, its identity and whatever
// triggers on auth.users do are committed together or not at all. Emails rendered during
// the transaction are delivered only after it commits, so a rolled-back sign-up never
// leaves a confirmation email pointing at a user that does not exist.
import type postgres from 'postgres'
import type { Mailbox, OutgoingMail } from '../mail/mailbox.ts'
import type { AuthApiError } from './errors.ts'

export type Outbox = OutgoingMail[]

/** Returned from a transaction whose writes must commit although the request fails. */
export class CommitThenFail {
  readonly error: AuthApiError
  constructor(error: AuthApiError) {
    this.error = error
  }
}

export async function inTransaction<T>(
  deps: { sql: postgres.Sql; mailbox: Mailbox },
  work: (tx: postgres.TransactionSql, outbox: Outbox) => Promise<T>,
): Promise<Exclude<T, CommitThenFail>> {
  const outbox: Outbox = []
  const result = (await deps.sql.begin((tx) => work(tx, outbox))) as T
  for (const mail of outbox) await deps.mailbox.deliver(mail)
  if (result instanceof CommitThenFail) throw result.error
  return result as Exclude<T, CommitThenFail>
}
