// Placeholder until the mailbox page and Mailpit API land.
import { json, type FetchHandler } from '../http.ts'
import type { Mailbox } from './mailbox.ts'

export function createMailboxServer(mailbox: Mailbox): FetchHandler {
  return async () => json({ total: mailbox.list().length, messages: mailbox.list() })
}
