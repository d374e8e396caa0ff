// What every HTTP service of the local stack receives, and what it gives the gateway.
import type postgres from 'postgres'
import type { StackConfig } from './config.ts'
import type { FetchHandler } from './http.ts'
import type { StackKeys } from './keys.ts'
import type { Mailbox } from './mail/mailbox.ts'

export type ServiceContext = {
  config: StackConfig
  keys: StackKeys
  urls: { apiUrl: string; dbUrl: string; mailUrl: string }
  /** A pool connected as `postgres` over the wire protocol, like GoTrue or Storage. */
  sql: postgres.Sql
  mailbox: Mailbox
}

export type StackService = {
  /** Path prefix it answers under, e.g. `/auth/v1`. */
  prefix: string
  handle: FetchHandler
  stop?: () => Promise<void>
}
