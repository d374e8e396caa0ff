import { chatDepsFromEnv, createChatHandler } from './handler.ts'
const handler = createChatHandler(chatDepsFromEnv())
Deno.serve((req, info) => handler(req, { remoteAddr: { hostname: (info.remoteAddr as Deno.NetAddr).hostname } }))
