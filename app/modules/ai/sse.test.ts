import { readSse, SseParser } from './sse.ts'

function parseAll(chunks: string[]) {
  const parser = new SseParser()
  return chunks.flatMap((c) => parser.push(c))
}

describe('SSE parser', () => {
  it('reads the contract’s events in order', () => {
    const text = 'event: context\ndata: {"model":"m"}\n\nevent: delta\ndata: {"text":"Olá"}\n\nevent: done\ndata: {"usage":{}}\n\n'
    expect(parseAll([text])).toEqual([
      { event: 'context', data: '{"model":"m"}' },
      { event: 'delta', data: '{"text":"Olá"}' },
      { event: 'done', data: '{"usage":{}}' },
    ])
  })

  it('gives the same events however the stream is split, one character at a time included', () => {
    const text = 'event: delta\r\ndata: {"text":"a"}\r\n\r\n: ping\n\nevent: delta\rdata: {"text":"b"}\r\rdata: x\n\n'
    const whole = parseAll([text])
    expect(whole).toEqual([
      { event: 'delta', data: '{"text":"a"}' },
      { event: 'delta', data: '{"text":"b"}' },
      { event: 'message', data: 'x' },
    ])
    expect(parseAll([...text])).toEqual(whole)
    for (let cut = 1; cut < text.length; cut++) expect(parseAll([text.slice(0, cut), text.slice(cut)])).toEqual(whole)
  })

  it('ignores comments and joins multi-line data', () => {
    expect(parseAll([': ping\n\nevent: delta\ndata: one\ndata: two\n\n'])).toEqual([{ event: 'delta', data: 'one\ntwo' }])
  })

  it('drops an event the stream cut before its blank line', () => {
    expect(parseAll(['event: delta\ndata: {"text":"a"}\n\nevent: delta\ndata: {"te'])).toEqual([{ event: 'delta', data: '{"text":"a"}' }])
  })

  it('reads a byte stream with multi-byte characters split across chunks', async () => {
    const bytes = new TextEncoder().encode('event: delta\ndata: {"text":"ação"}\n\n')
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        for (const b of bytes) controller.enqueue(new Uint8Array([b]))
        controller.close()
      },
    })
    const events = []
    for await (const e of readSse(body)) events.push(e)
    expect(events).toEqual([{ event: 'delta', data: '{"text":"ação"}' }])
  })
})
