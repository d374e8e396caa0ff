// Captured outgoing email. GoTrue's mailer delivers here instead of SMTP; the mailbox
// server on :54324 shows the messages and serves them through a Mailpit-compatible API.
import { randomUUID } from 'node:crypto'

export type OutgoingMail = { to: string; subject: string; html: string; text: string }

export type MailMessage = OutgoingMail & {
  id: string
  from: string
  created: string
}

export type Mailbox = {
  deliver(mail: OutgoingMail): Promise<MailMessage>
  list(): MailMessage[]
  get(id: string): MailMessage | undefined
  remove(ids?: string[]): void
}

export const MAIL_FROM = 'FlowStory <noreply@flowstory.local>'

export function createMemoryMailbox(): Mailbox {
  const messages: MailMessage[] = []
  return {
    async deliver(mail) {
      const message = { ...mail, id: randomUUID(), from: MAIL_FROM, created: new Date().toISOString() }
      messages.unshift(message)
      return message
    },
    list: () => [...messages],
    get: (id) => messages.find((m) => m.id === id),
    remove(ids) {
      if (!ids) messages.length = 0
      else for (const id of ids) {
        const at = messages.findIndex((m) => m.id === id)
        if (at >= 0) messages.splice(at, 1)
      }
    },
  }
}
