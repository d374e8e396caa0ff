// Captured outgoing email. GoTrue's mailer delivers here instead of SMTP; the mailbox
// server on :54324 shows the messages and serves them through a Mailpit-compatible API.
// `openMailbox` keeps the messages in the stack's state folder (one JSON line each), so a
// confirmation email survives restarting `npm run dev`.
import { randomUUID } from 'node:crypto'
import fs from 'node:fs/promises'

export type OutgoingMail = { to: string; subject: string; html: string; text: string }

export type MailMessage = OutgoingMail & {
  id: string
  from: string
  created: string
}

export type Mailbox = {
  deliver(mail: OutgoingMail): Promise<MailMessage>
  /** Newest first. */
  list(): MailMessage[]
  get(id: string): MailMessage | undefined
  remove(ids?: string[]): void
}

export const MAIL_FROM = 'FlowStory <noreply@flowstory.local>'

/** Like Mailpit's default max, so a long-running stack does not grow without bound. */
export const MAILBOX_CAPACITY = 500

type MailboxOptions = {
  /** Messages to start with, newest first. */
  initial?: MailMessage[]
  /** Called after every change; `added` is set when the change was one new message. */
  onChange?: (messages: MailMessage[], added?: MailMessage) => Promise<void>
}

export function createMemoryMailbox(options: MailboxOptions = {}): Mailbox {
  const messages: MailMessage[] = (options.initial ?? []).slice(0, MAILBOX_CAPACITY)
  const changed = (added?: MailMessage) => options.onChange?.([...messages], added) ?? Promise.resolve()
  return {
    async deliver(mail) {
      const message = { ...mail, id: randomUUID(), from: MAIL_FROM, created: new Date().toISOString() }
      messages.unshift(message)
      const trimmed = messages.length > MAILBOX_CAPACITY
      if (trimmed) messages.length = MAILBOX_CAPACITY
      await changed(trimmed ? undefined : message)
      return message
    },
    list: () => [...messages],
    get: (id) => messages.find((m) => m.id === id),
    remove(ids) {
      if (!ids) messages.length = 0
      else
        for (const id of ids) {
          const at = messages.findIndex((m) => m.id === id)
          if (at >= 0) messages.splice(at, 1)
        }
      void changed().catch((error) => console.error('[mailbox] could not save the mailbox:', error))
    },
  }
}

/** A mailbox persisted as JSON lines (oldest first) in `file`. */
export async function openMailbox(file: string): Promise<Mailbox> {
  let writes = Promise.resolve()
  const persist = (messages: MailMessage[], added?: MailMessage) => {
    // Appending is enough for a new message; anything else rewrites the (small) file.
    const write = added
      ? () => fs.appendFile(file, `${JSON.stringify(added)}\n`, { mode: 0o600 })
      : () => fs.writeFile(file, messages.toReversed().map((m) => `${JSON.stringify(m)}\n`).join(''), { mode: 0o600 })
    writes = writes.then(write, write)
    return writes
  }
  return createMemoryMailbox({ initial: await readSaved(file), onChange: persist })
}

async function readSaved(file: string): Promise<MailMessage[]> {
  let text: string
  try {
    text = await fs.readFile(file, 'utf8')
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return []
    throw error
  }
  const saved: MailMessage[] = []
  for (const line of text.split('\n')) {
    if (!line.trim()) continue
    try {
      const message = JSON.parse(line) as MailMessage
      if (typeof message.id === 'string' && typeof message.to === 'string') saved.push(message)
    } catch {
      // A line cut short by a crash loses that one message, not the mailbox.
    }
  }
  return saved.reverse()
}
