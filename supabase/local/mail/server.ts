// The mailbox on :54324, standing in for the Mailpit that `supabase start` runs: a page
// listing captured emails (newest first) where each email can be read and its links
// followed, and the part of Mailpit's JSON API tests and tools use:
//   GET    /api/v1/messages[?start=&limit=]     summaries, newest first
//   GET    /api/v1/message/{ID|latest}          one message with Text and HTML
//   DELETE /api/v1/messages                     all, or {"IDs": [...]}
//   GET    /api/v1/search?query=to:a@b.c        search (to:, from:, subject:, free words)
//   DELETE /api/v1/search?query=…               delete what a search finds
import { decodePercent, json, readBodyText, type FetchHandler } from '../http.ts'
import type { Mailbox, MailMessage } from './mailbox.ts'

type Address = { Name: string; Address: string }

export function createMailboxServer(mailbox: Mailbox): FetchHandler {
  const read = new Set<string>()

  const summary = (m: MailMessage) => ({
    ID: m.id,
    MessageID: `${m.id}@flowstory.local`,
    Read: read.has(m.id),
    From: parseAddress(m.from),
    To: [parseAddress(m.to)],
    Cc: [],
    Bcc: [],
    ReplyTo: [],
    Subject: m.subject,
    Created: m.created,
    Username: '',
    Tags: [],
    Size: size(m),
    Attachments: 0,
    Snippet: m.text.replace(/\s+/g, ' ').trim().slice(0, 250),
  })

  const listing = (all: MailMessage[], matching: MailMessage[], url: URL) => {
    const start = nonNegativeInt(url.searchParams.get('start'), 0)
    const limit = nonNegativeInt(url.searchParams.get('limit'), 50) || 50
    const page = matching.slice(start, start + limit)
    return {
      total: all.length,
      unread: all.filter((m) => !read.has(m.id)).length,
      count: page.length,
      messages_count: matching.length,
      messages_unread: matching.filter((m) => !read.has(m.id)).length,
      start,
      tags: [],
      messages: page.map(summary),
    }
  }

  return async (req) => {
    const url = new URL(req.url)
    const path = url.pathname.replace(/\/+$/, '') || '/'
    const method = req.method

    if (path === '/' && method === 'GET') return html(listPage(mailbox.list(), read, url.searchParams.get('q') ?? ''))
    if (path === '/delete-all' && method === 'POST') {
      mailbox.remove()
      read.clear()
      return new Response(null, { status: 303, headers: { location: '/' } })
    }
    const view = /^\/view\/([^/]+)$/.exec(path)
    if (view && method === 'GET') {
      const message = findById(mailbox, view[1])
      if (!message) return notFound('Message not found')
      read.add(message.id)
      return html(messagePage(message))
    }

    if (path === '/api/v1/messages') {
      if (method === 'GET') return json(listing(mailbox.list(), mailbox.list(), url))
      if (method === 'DELETE') {
        const ids = await requestedIds(req)
        if (ids instanceof Response) return ids
        mailbox.remove(ids && ids.length ? ids : undefined)
        if (!ids || !ids.length) read.clear()
        return ok()
      }
    }
    const one = /^\/api\/v1\/message\/([^/]+)$/.exec(path)
    if (one && method === 'GET') {
      const message = findById(mailbox, one[1])
      if (!message) return notFound('Message not found')
      read.add(message.id)
      return json({
        ID: message.id,
        MessageID: `${message.id}@flowstory.local`,
        From: parseAddress(message.from),
        To: [parseAddress(message.to)],
        Cc: [],
        Bcc: [],
        ReplyTo: [],
        ReturnPath: parseAddress(message.from).Address,
        Subject: message.subject,
        ListUnsubscribe: { Header: '', Links: [], Errors: '', HeaderPost: '' },
        Date: message.created,
        Tags: [],
        Username: '',
        Text: message.text,
        HTML: message.html,
        Size: size(message),
        Inline: [],
        Attachments: [],
      })
    }
    if (path === '/api/v1/search' && (method === 'GET' || method === 'DELETE')) {
      const query = (url.searchParams.get('query') ?? '').trim()
      if (!query) return badRequest('Error: no search query')
      const matching = search(mailbox.list(), query)
      if (method === 'DELETE') {
        mailbox.remove(matching.map((m) => m.id))
        return ok()
      }
      return json(listing(mailbox.list(), matching, url))
    }
    return notFound(`No such mailbox endpoint: ${method} ${url.pathname}`)
  }
}

/** The message a path segment names (an ID or `latest`); none for a malformed escape. */
function findById(mailbox: Mailbox, segment: string): MailMessage | undefined {
  const id = decodePercent(segment)
  if (id === null) return undefined
  return id === 'latest' ? mailbox.list()[0] : mailbox.get(id)
}

async function requestedIds(req: Request): Promise<string[] | undefined | Response> {
  let text: string
  try {
    text = await readBodyText(req, 1024 * 1024)
  } catch {
    return badRequest('Request body is too large')
  }
  if (!text.trim()) return undefined
  try {
    const body = JSON.parse(text) as { IDs?: unknown }
    if (body.IDs === undefined || body.IDs === null) return undefined
    if (!Array.isArray(body.IDs) || body.IDs.some((id) => typeof id !== 'string')) return badRequest('IDs must be an array of message IDs')
    return body.IDs as string[]
  } catch {
    // Mailpit deletes everything when the body is not a list of IDs.
    return undefined
  }
}

/** Mailpit's search: every term must match; to:/from:/subject: look at that field only. */
export function search(messages: MailMessage[], query: string): MailMessage[] {
  const terms = [...query.matchAll(/(-?)(?:(to|from|subject|is):)?(?:"([^"]*)"|(\S+))/gi)].map((m) => ({
    negate: m[1] === '-',
    field: (m[2] ?? '').toLowerCase(),
    value: (m[3] ?? m[4] ?? '').toLowerCase(),
  }))
  return messages.filter((message) =>
    terms.every(({ negate, field, value }) => {
      const haystack =
        field === 'to' ? message.to
        : field === 'from' ? message.from
        : field === 'subject' ? message.subject
        : `${message.to} ${message.from} ${message.subject} ${message.text}`
      return haystack.toLowerCase().includes(value) !== negate
    }),
  )
}

function parseAddress(value: string): Address {
  const match = /^\s*(.*?)\s*<([^>]+)>\s*$/.exec(value)
  return match ? { Name: match[1].replace(/^"|"$/g, ''), Address: match[2] } : { Name: '', Address: value.trim() }
}

function size(message: MailMessage): number {
  return Buffer.byteLength(message.html) + Buffer.byteLength(message.text) + Buffer.byteLength(message.subject)
}

function nonNegativeInt(raw: string | null, fallback: number): number {
  const value = raw === null ? NaN : Number.parseInt(raw, 10)
  return Number.isInteger(value) && value >= 0 ? value : fallback
}

const ok = () => new Response('ok', { headers: { 'content-type': 'text/plain; charset=utf-8' } })
const badRequest = (message: string) => new Response(message, { status: 400, headers: { 'content-type': 'text/plain; charset=utf-8' } })
const notFound = (message: string) => json({ error: 'not_found', message }, 404)
const html = (body: string) => new Response(body, { headers: { 'content-type': 'text/html; charset=utf-8' } })

function escape(text: string): string {
  return text.replace(/[&<>"']/g, (ch) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[ch]!)
}

function formatTime(iso: string): string {
  return iso.replace('T', ' ').replace(/\.\d+Z$/, ' UTC')
}

const STYLE = `
  :root { --indigo: #1B1F3B; --violet: #6C63FF; --mint: #4ADEB5; --grey: #F6F6F7; --line: #E4E4EA; --muted: #6B6E85; }
  * { box-sizing: border-box; }
  body { margin: 0; font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--indigo); background: var(--grey); }
  header { background: var(--indigo); color: #fff; padding: 14px 24px; display: flex; align-items: center; gap: 16px; }
  header a { color: #fff; text-decoration: none; }
  .wordmark { font-weight: 700; font-size: 20px; letter-spacing: -0.02em; }
  .wordmark span { color: var(--mint); }
  .tag { font-size: 12px; text-transform: uppercase; letter-spacing: .08em; opacity: .75; }
  header form { margin-left: auto; }
  main { max-width: 1040px; margin: 24px auto; padding: 0 16px; }
  .card { background: #fff; border: 1px solid var(--line); border-radius: 12px; overflow: hidden; }
  table { width: 100%; border-collapse: collapse; }
  th, td { text-align: left; padding: 10px 14px; border-bottom: 1px solid var(--line); vertical-align: top; }
  th { font-size: 12px; text-transform: uppercase; letter-spacing: .06em; color: var(--muted); background: #FBFBFC; }
  tr:last-child td { border-bottom: 0; }
  tr.unread td.subject a { font-weight: 650; }
  td a { color: var(--indigo); text-decoration: none; }
  td a:hover { color: var(--violet); text-decoration: underline; }
  td.time { white-space: nowrap; color: var(--muted); font-size: 13px; }
  .empty { padding: 48px; text-align: center; color: var(--muted); }
  button { font: inherit; border: 0; border-radius: 8px; padding: 6px 12px; background: var(--violet); color: #fff; cursor: pointer; }
  button.secondary { background: transparent; border: 1px solid rgba(255,255,255,.4); }
  .search { display: flex; gap: 8px; margin-bottom: 16px; }
  .search input { flex: 1; font: inherit; padding: 8px 12px; border: 1px solid var(--line); border-radius: 8px; }
  dl { display: grid; grid-template-columns: max-content 1fr; gap: 4px 16px; margin: 0; padding: 16px 20px; border-bottom: 1px solid var(--line); }
  dt { color: var(--muted); } dd { margin: 0; word-break: break-all; }
  h1 { font-size: 20px; margin: 0 0 12px; }
  h2 { font-size: 13px; text-transform: uppercase; letter-spacing: .06em; color: var(--muted); margin: 24px 0 8px; }
  iframe { width: 100%; height: 800px; border: 0; display: block; background: #fff; }
  ul.links { margin: 0; padding: 12px 20px 12px 36px; background: #fff; border: 1px solid var(--line); border-radius: 12px; }
  ul.links li { word-break: break-all; margin: 4px 0; }
  ul.links a { color: var(--violet); }
  pre { white-space: pre-wrap; background: #fff; border: 1px solid var(--line); border-radius: 12px; padding: 16px 20px; margin: 0; font-size: 13px; }
  .back { display: inline-block; margin-bottom: 12px; color: var(--violet); text-decoration: none; }
`

function layout(title: string, body: string, script = ''): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escape(title)}</title>
<style>${STYLE}</style>
</head>
<body>
<header>
  <a href="/" class="wordmark">flowstory<span>.</span></a>
  <span class="tag">local mailbox</span>
  <form method="post" action="/delete-all" onsubmit="return confirm('Delete every captured email?')"><button class="secondary" type="submit">Delete all</button></form>
</header>
<main>${body}</main>
${script}
</body>
</html>`
}

function listPage(all: MailMessage[], read: Set<string>, query: string): string {
  const messages = query ? search(all, query) : all
  const rows = messages
    .map(
      (m) => `<tr class="${read.has(m.id) ? 'read' : 'unread'}">
  <td>${escape(m.to)}</td>
  <td class="subject"><a href="/view/${encodeURIComponent(m.id)}">${escape(m.subject || '(no subject)')}</a></td>
  <td class="time"><time datetime="${escape(m.created)}">${escape(formatTime(m.created))}</time></td>
</tr>`,
    )
    .join('\n')
  const table = messages.length
    ? `<table><thead><tr><th>To</th><th>Subject</th><th>Received</th></tr></thead><tbody>${rows}</tbody></table>`
    : `<div class="empty">${query ? 'No email matches this search.' : 'No email yet. Sign up in the app and the confirmation email appears here.'}</div>`
  // Reload when new mail arrives, so the page can stay open next to the app.
  const script = `<script>
  let total = ${all.length};
  setInterval(async () => {
    try {
      const res = await fetch('/api/v1/messages?limit=1');
      const body = await res.json();
      if (body.total !== total) location.reload();
    } catch {}
  }, 2000);
</script>`
  return layout(
    `Mailbox (${all.length})`,
    `<form class="search" method="get" action="/"><input name="q" value="${escape(query)}" placeholder="Search: to:ana@example.com, subject:confirm, or any word"><button type="submit">Search</button></form>
<div class="card">${table}</div>`,
    script,
  )
}

function messagePage(message: MailMessage): string {
  // Links open in a new tab: the email is shown in a sandboxed frame without scripts.
  const framed = `<base target="_blank">${message.html}`
  const links = [...new Set([...message.html.matchAll(/href\s*=\s*"([^"]+)"/gi)].map((m) => unescapeAttribute(m[1])))]
  const linkList = links.length
    ? `<h2>Links in this email</h2><ul class="links">${links.map((href) => `<li><a href="${escape(href)}" target="_blank" rel="noopener">${escape(href)}</a></li>`).join('')}</ul>`
    : ''
  return layout(
    message.subject,
    `<a class="back" href="/">← All email</a>
<div class="card">
  <dl>
    <dt>Subject</dt><dd><strong>${escape(message.subject)}</strong></dd>
    <dt>From</dt><dd>${escape(message.from)}</dd>
    <dt>To</dt><dd>${escape(message.to)}</dd>
    <dt>Received</dt><dd>${escape(formatTime(message.created))}</dd>
  </dl>
  <iframe title="Email content" sandbox="allow-popups allow-popups-to-escape-sandbox" srcdoc="${escape(framed)}"></iframe>
</div>
${linkList}
<h2>Plain text</h2>
<pre>${escape(message.text)}</pre>`,
  )
}

function unescapeAttribute(value: string): string {
  return value.replace(/&amp;/g, '&').replace(/&#34;|&quot;/g, '"').replace(/&#39;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>')
}
