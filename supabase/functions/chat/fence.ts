// Untrusted text in the prompt (manuscript, summaries, retrieved passages, the selection, the
// question, earlier turns) goes between boundary lines that carry a random marker made for
// this request: the model is told that only text outside them is instructions. The marker
// cannot be guessed in advance, and any occurrence of it inside the data is removed anyway,
// as is anything shaped like a fence line, so no text can close its block early.

export type Fence = { marker: string; block(kind: string, attributes: Record<string, string | number>, text: string): string }

export function createFence(marker = `DATA-${randomHex(12)}`): Fence {
  const neutralise = (text: string) =>
    text
      .split(marker)
      .join('[removed]')
      // Fence-shaped brackets in the data lose their shape: "<<<" → "<< <".
      .replace(/<<</g, '<< <')
      .replace(/>>>/g, '> >>')
  const attribute = (value: string | number) => neutralise(String(value)).replace(/["\r\n]/g, ' ')
  return {
    marker,
    block(kind, attributes, text) {
      const attrs = Object.entries(attributes)
        .map(([name, value]) => ` ${name}="${attribute(value)}"`)
        .join('')
      return `<<<${marker} kind="${kind}"${attrs}>>>\n${neutralise(text)}\n<<<END ${marker}>>>`
    },
  }
}

function randomHex(bytes: number): string {
  return Array.from(crypto.getRandomValues(new Uint8Array(bytes)), (b) => b.toString(16).padStart(2, '0')).join('')
}
