// The mailbox's Mailpit-compatible API and its HTML pages, on a mailbox of its own.
import fs from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { createMemoryMailbox, openMailbox } from './mailbox.ts'
import { createMailboxServer } from './server.ts'

function mailboxWithMail() {
  const mailbox = createMemoryMailbox()
  const server = createMailboxServer(mailbox)
  const call = (pathAndQuery: string, init?: RequestInit) => server(new Request(`http://mail.test${pathAndQuery}`, init))
  return { mailbox, call }
}

const letter = (to: string, subject: string) => ({
  to,
  subject,
  html: `<p>Hello ${to}</p><p><a href="http://localhost:3000/auth/confirm?token_hash=abc&amp;type=signup">Confirm</a></p>`,
  text: `Hello ${to}\n\nConfirm: http://localhost:3000/auth/confirm?token_hash=abc&type=signup`,
})

describe('Mailpit-compatible API', () => {
  it('lists messages newest first with Mailpit’s fields', async () => {
    const { mailbox, call } = mailboxWithMail()
    await mailbox.deliver(letter('ana@example.com', 'First'))
    await mailbox.deliver(letter('bia@example.com', 'Second'))
    const body = await (await call('/api/v1/messages')).json()
    expect(body).toMatchObject({ total: 2, count: 2, unread: 2, messages_count: 2, start: 0 })
    expect(body.messages.map((m: { Subject: string }) => m.Subject)).toEqual(['Second', 'First'])
    expect(body.messages[0]).toMatchObject({
      ID: expect.any(String),
      From: { Name: 'FlowStory', Address: 'noreply@flowstory.local' },
      To: [{ Name: '', Address: 'bia@example.com' }],
      Created: expect.any(String),
      Snippet: expect.stringContaining('Hello bia@example.com'),
      Read: false,
      Attachments: 0,
    })
  })

  it('returns one message with Text and HTML, marks it read, and knows "latest"', async () => {
    const { mailbox, call } = mailboxWithMail()
    const sent = await mailbox.deliver(letter('ana@example.com', 'Confirm'))
    const message = await (await call(`/api/v1/message/${sent.id}`)).json()
    expect(message).toMatchObject({ ID: sent.id, Subject: 'Confirm', Date: sent.created, To: [{ Address: 'ana@example.com' }] })
    expect(message.HTML).toContain('token_hash=abc')
    expect(message.Text).toContain('Confirm: http://localhost:3000')
    expect((await (await call('/api/v1/messages')).json()).unread).toBe(0)
    expect((await (await call('/api/v1/message/latest')).json()).ID).toBe(sent.id)
  })

  it('searches by recipient, subject and free words', async () => {
    const { mailbox, call } = mailboxWithMail()
    await mailbox.deliver(letter('ana@example.com', 'Reset your password'))
    await mailbox.deliver(letter('bia@example.com', 'Confirm your email'))
    const byTo = await (await call(`/api/v1/search?query=${encodeURIComponent('to:ana@example.com')}`)).json()
    expect(byTo.messages.map((m: { Subject: string }) => m.Subject)).toEqual(['Reset your password'])
    expect(byTo.messages_count).toBe(1)
    expect(byTo.total).toBe(2)
    const bySubject = await (await call(`/api/v1/search?query=${encodeURIComponent('subject:"confirm your"')}`)).json()
    expect(bySubject.messages).toHaveLength(1)
    expect((await call('/api/v1/search?query=')).status).toBe(400)
  })

  it('deletes chosen messages, or all of them', async () => {
    const { mailbox, call } = mailboxWithMail()
    const a = await mailbox.deliver(letter('ana@example.com', 'A'))
    await mailbox.deliver(letter('bia@example.com', 'B'))
    const one = await call('/api/v1/messages', { method: 'DELETE', body: JSON.stringify({ IDs: [a.id] }) })
    expect(await one.text()).toBe('ok')
    expect(mailbox.list().map((m) => m.subject)).toEqual(['B'])
    await call('/api/v1/messages', { method: 'DELETE' })
    expect(mailbox.list()).toHaveLength(0)
  })

  it('answers unknown paths and messages with 404 JSON', async () => {
    const { call } = mailboxWithMail()
    const unknown = await call('/api/v2/whatever')
    expect(unknown.status).toBe(404)
    expect((await unknown.json()).error).toBe('not_found')
    expect((await call('/api/v1/message/nope')).status).toBe(404)
  })

  it('answers a malformed percent-encoding in a message ID with 404, not a crash', async () => {
    const { mailbox, call } = mailboxWithMail()
    await mailbox.deliver(letter('ana@example.com', 'First'))
    for (const path of ['/api/v1/message/%E0%A4%A', '/view/%E0%A4%A']) {
      const response = await call(path)
      expect(response.status, path).toBe(404)
      expect(await response.json(), path).toEqual({ error: 'not_found', message: 'Message not found' })
    }
  })
})

describe('mailbox pages', () => {
  it('lists emails and shows one with its links clickable', async () => {
    const { mailbox, call } = mailboxWithMail()
    const sent = await mailbox.deliver(letter('ana@example.com', 'Confirme <seu> e-mail'))
    const list = await (await call('/')).text()
    expect(list).toContain('ana@example.com')
    expect(list).toContain('Confirme &lt;seu&gt; e-mail')
    expect(list).toContain(`/view/${sent.id}`)
    const view = await (await call(`/view/${sent.id}`)).text()
    expect(view).toContain('<iframe')
    expect(view).toContain('href="http://localhost:3000/auth/confirm?token_hash=abc&amp;type=signup" target="_blank"')
    expect(view).toContain('Confirm: http://localhost:3000/auth/confirm?token_hash=abc&amp;type=signup')
  })
})

describe('persistence', () => {
  it('keeps messages across restarts in the state folder', async () => {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'mailbox-'))
    try {
      const file = path.join(dir, 'mailbox.jsonl')
      const first = await openMailbox(file)
      await first.deliver(letter('ana@example.com', 'One'))
      const kept = await first.deliver(letter('bia@example.com', 'Two'))
      const reopened = await openMailbox(file)
      expect(reopened.list().map((m) => m.subject)).toEqual(['Two', 'One'])
      reopened.remove([kept.id])
      await new Promise((resolve) => setTimeout(resolve, 50))
      expect((await openMailbox(file)).list().map((m) => m.subject)).toEqual(['One'])
    } finally {
      await fs.rm(dir, { recursive: true, force: true })
    }
  })
})
