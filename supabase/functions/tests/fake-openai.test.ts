// The fake OpenAI provider (tests/fakes/fake-openai.ts) served by Deno.serve and driven by
// the real openai SDK from the import map: what the `chat` and `embed` functions' tests
// will build on.
import assert from 'node:assert/strict'
import OpenAI from 'openai'
import { DEFAULT_API_KEY } from '../../../tests/fakes/fake-openai.ts'
import { serveFakeOpenAI } from './helpers.ts'

async function serveFake(options: Parameters<typeof serveFakeOpenAI>[0] = {}) {
  const { fake, baseURL, close } = serveFakeOpenAI(options)
  const client = new OpenAI({ baseURL, apiKey: DEFAULT_API_KEY, maxRetries: 0 })
  return { fake, client, close }
}

Deno.test('streams a chat completion with usage through the openai SDK', async () => {
  const { fake, client, close } = await serveFake({ reply: 'Capitu olhou para o mar.' })
  try {
    const stream = await client.chat.completions.create({
      model: 'gpt-4o-mini',
      messages: [{ role: 'user', content: 'Continue a cena.' }],
      stream: true,
      stream_options: { include_usage: true },
    })
    let text = ''
    let completionTokens = 0
    for await (const chunk of stream) {
      text += chunk.choices[0]?.delta.content ?? ''
      if (chunk.usage) completionTokens = chunk.usage.completion_tokens
    }
    assert.equal(text, 'Capitu olhou para o mar.')
    assert.equal(completionTokens, 6)
    assert.equal(fake.calls.length, 1)
    assert.equal(fake.calls[0].outcome, 'completed')
    assert.deepEqual(fake.calls[0].messages, [{ role: 'user', content: 'Continue a cena.' }])
  } finally {
    await close()
  }
})

Deno.test('embeds texts into deterministic unit vectors, shortened by `dimensions`', async () => {
  const { client, close } = await serveFake()
  try {
    const input = ['Dom Casmurro', 'Dom Casmurro']
    const response = await client.embeddings.create({ model: 'text-embedding-3-small', input, dimensions: 512 })
    const [a, b] = response.data.map((d) => Array.from(d.embedding))
    assert.equal(a.length, 512)
    assert.deepEqual(a, b)
    assert.ok(Math.abs(Math.hypot(...a) - 1) < 1e-5)
    assert.equal(response.usage.prompt_tokens, 4)
  } finally {
    await close()
  }
})

Deno.test('a cut stream makes the SDK iterator throw in Deno too', async () => {
  const { client, close } = await serveFake({ reply: 'one two three four five six', failures: [{ kind: 'cut_stream' }] })
  try {
    const stream = await client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'go' }], stream: true })
    let text = ''
    await assert.rejects(async () => {
      for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? ''
    })
    assert.ok(text.length > 0 && text !== 'one two three four five six')
  } finally {
    await close()
  }
})
