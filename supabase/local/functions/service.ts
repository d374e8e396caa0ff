// Placeholder until the /functions/v1 stand-in lands: every call is answered 501 naming the endpoint.
import { notImplemented } from '../gateway.ts'
import type { ServiceContext, StackService } from '../service.ts'

export function createFunctionsService(_context: ServiceContext): StackService {
  return { prefix: '/functions/v1', handle: async (req) => notImplemented(req.method, new URL(req.url).pathname) }
}
