// `npm run fake-ai` (scripts/fake-ai.ts): the fake provider as a writer runs it to try the AI
// co-writer locally — it prints a base URL and key that the real openai SDK can use.
import { spawn } from 'node:child_process'
import path from 'node:path'
import OpenAI from 'openai'
import { projectRoot } from '../../supabase/local/config.ts'

it('prints a base URL and key the openai SDK can stream a chat answer from', async () => {
  const child = spawn(process.execPath, [path.join(projectRoot, 'scripts', 'fake-ai.ts')], {
    cwd: projectRoot,
    env: { ...process.env, FAKE_AI_PORT: '0' },
    stdio: ['ignore', 'pipe', 'inherit'],
  })
  try {
    const line = await new Promise<string>((resolve, reject) => {
      let out = ''
      child.stdout!.on('data', (chunk: Buffer) => {
        out += chunk.toString()
        if (out.includes('\n')) resolve(out)
      })
      child.once('exit', (code) => reject(new Error(`fake-ai exited with ${code}: ${out}`)))
    })
    const [, baseURL, apiKey] = /base URL (\S+)\s+API key (\S+)/.exec(line)!
    const client = new OpenAI({ baseURL, apiKey, maxRetries: 0 })
    const models = await client.models.list()
    expect(models.data.map((m) => m.id)).toEqual(expect.arrayContaining(['gpt-4o-mini', 'text-embedding-3-small']))
    const stream = await client.chat.completions.create({ model: 'gpt-4o-mini', stream: true, messages: [{ role: 'user', content: 'Olá' }] })
    let text = ''
    for await (const chunk of stream) text += chunk.choices[0]?.delta?.content ?? ''
    expect(text).toContain('Olá')
  } finally {
    child.kill('SIGTERM')
  }
}, 30_000)
