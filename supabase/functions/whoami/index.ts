import { createWhoamiHandler, whoamiDepsFromEnv } from './handler.ts'
Deno.serve(createWhoamiHandler(whoamiDepsFromEnv()))
