import { aiModelsDepsFromEnv, createAiModelsHandler } from './handler.ts'
Deno.serve(createAiModelsHandler(aiModelsDepsFromEnv()))
