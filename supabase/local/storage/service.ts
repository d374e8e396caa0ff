// Placeholder until the /storage/v1 stand-in lands: every call is answered 501 naming the endpoint.
import { notImplemented } from '../gateway.ts'
import type { ServiceContext, StackService } from '../service.ts'

export function createStorageService(_context: ServiceContext): StackService {
  return { prefix: '/storage/v1', handle: async (req) => notImplemented(req.method, new URL(req.url).pathname) }
}
