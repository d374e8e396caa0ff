// `npm run fake-ai`: the tests' fake OpenAI-compatible provider (decision 014) on a fixed port,
// to click through the AI co-writer locally without a real model: add it in Settings → AI
// provider as an OpenAI-compatible endpoint with the base URL and key printed below. Answers are
// deterministic placeholders streamed at a readable pace; embeddings are word-hashed vectors.
import { startFakeOpenAI } from '../tests/fakes/fake-openai.server.ts'
import { DEFAULT_API_KEY } from '../tests/fakes/fake-openai.ts'

const port = Number(process.env.FAKE_AI_PORT ?? 54329)
const fake = await startFakeOpenAI({ latency: { firstByteMs: 250, betweenChunksMs: 40 } }, port)
console.log(`Fake AI provider: base URL ${fake.url}   API key ${DEFAULT_API_KEY}   models gpt-4o-mini, text-embedding-3-small`)
const stop = () => void fake.stop().then(() => process.exit(0))
process.on('SIGINT', stop)
process.on('SIGTERM', stop)
