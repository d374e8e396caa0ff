import { createEmbedHandler, embedDepsFromEnv } from './handler.ts'
Deno.serve(createEmbedHandler(embedDepsFromEnv()))
