// Serves the fake OpenAI provider on 127.0.0.1 for Node tests and benchmarks, through the
// local stack's serveFetch (supabase/local/http.ts): a body the fake cuts on purpose drops the
// connection after what was written (a clean end without `[DONE]` would read as a normal end
// of stream to the openai SDK), and the request's signal aborts when the client goes away,
// which is how the fake learns that a stream was stopped.
import type { AddressInfo } from 'node:net'
import { closeServer, serveFetch } from '../../supabase/local/http.ts'
import { createFakeOpenAI, type FakeOpenAI, type FakeOpenAIOptions } from './fake-openai.ts'

export interface RunningFakeOpenAI {
  /** The base URL to give the SDK (`baseURL`), ending in /v1. */
  url: string
  port: number
  fake: FakeOpenAI
  stop(): Promise<void>
}

/** `port` 0 (tests): the OS picks a free port at bind time, so two runs can never race for one. */
export async function startFakeOpenAI(options: FakeOpenAIOptions = {}, port = 0): Promise<RunningFakeOpenAI> {
  const fake = createFakeOpenAI(options)
  const server = await serveFetch((req) => fake.handle(req), { host: '127.0.0.1', port, name: 'fake-openai', logCutBodies: false })
  const bound = (server.address() as AddressInfo).port
  return { url: `http://127.0.0.1:${bound}/v1`, port: bound, fake, stop: () => closeServer(server) }
}
