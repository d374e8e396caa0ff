// Reads captured email through the Mailpit-compatible API, as a test would with Mailpit.
type MessageSummary = { ID: string; To: { Address: string }[]; Subject: string }

export async function waitForEmailLink(mailUrl: string, to: string, linkPattern: RegExp, timeoutMs = 10_000): Promise<string> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const list = (await (await fetch(`${mailUrl}/api/v1/messages`)).json()) as { messages: MessageSummary[] }
    for (const summary of list.messages.filter((m) => m.To.some((r) => r.Address.toLowerCase() === to.toLowerCase()))) {
      const message = (await (await fetch(`${mailUrl}/api/v1/message/${summary.ID}`)).json()) as { HTML: string; Text: string }
      const href = [...message.HTML.matchAll(/href="([^"]+)"/g)].map((m) => m[1].replaceAll('&amp;', '&')).find((h) => linkPattern.test(h))
      if (href) return href
    }
    if (Date.now() > deadline) throw new Error(`no email to ${to} with a link matching ${linkPattern} arrived within ${timeoutMs} ms`)
    await new Promise((r) => setTimeout(r, 200))
  }
}

export type Email = { Subject: string; HTML: string; Text: string }

/** The newest email to an address whose subject or body matches, waiting for it to arrive. */
export async function waitForEmail(mailUrl: string, to: string, matches: (email: Email) => boolean, timeoutMs = 10_000): Promise<Email> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const list = (await (await fetch(`${mailUrl}/api/v1/messages`)).json()) as { messages: MessageSummary[] }
    for (const summary of list.messages.filter((m) => m.To.some((r) => r.Address.toLowerCase() === to.toLowerCase()))) {
      const email = (await (await fetch(`${mailUrl}/api/v1/message/${summary.ID}`)).json()) as Email
      if (matches(email)) return email
    }
    if (Date.now() > deadline) throw new Error(`no matching email to ${to} arrived within ${timeoutMs} ms`)
    await new Promise((r) => setTimeout(r, 200))
  }
}
