// Rate limits of the chat function (decision 018), per minute, configurable by environment:
// CHAT_RATE_PER_USER (20), CHAT_RATE_PER_WORKSPACE (60), CHAT_RATE_PER_IP (30). Previews call
// no chat model; they count on their own, more generous key (3 × the per-user limit) so a
// panel that previews before every call does not halve the writer's allowance.
import type { RateLimit } from './store.ts'

export type ChatRateLimits = { perUser: number; perWorkspace: number; perIp: number; windowSeconds: number }

export const DEFAULT_RATE_LIMITS: ChatRateLimits = { perUser: 20, perWorkspace: 60, perIp: 30, windowSeconds: 60 }

export function rateLimitsFromEnv(get: (name: string) => string | undefined): ChatRateLimits {
  const read = (name: string, fallback: number) => {
    const value = Number(get(name))
    return Number.isInteger(value) && value > 0 ? value : fallback
  }
  return {
    perUser: read('CHAT_RATE_PER_USER', DEFAULT_RATE_LIMITS.perUser),
    perWorkspace: read('CHAT_RATE_PER_WORKSPACE', DEFAULT_RATE_LIMITS.perWorkspace),
    perIp: read('CHAT_RATE_PER_IP', DEFAULT_RATE_LIMITS.perIp),
    windowSeconds: read('CHAT_RATE_WINDOW_SECONDS', DEFAULT_RATE_LIMITS.windowSeconds),
  }
}

export function limitsFor(limits: ChatRateLimits, who: { workspaceId: string; userId: string; ip: string | null }, preview: boolean): RateLimit[] {
  const window = limits.windowSeconds
  if (preview) return [{ key: `chat-preview:user:${who.userId}`, windowSeconds: window, max: limits.perUser * 3 }]
  return [
    { key: `chat:ip:${who.ip ?? 'unknown'}`, windowSeconds: window, max: limits.perIp },
    { key: `chat:user:${who.userId}`, windowSeconds: window, max: limits.perUser },
    { key: `chat:workspace:${who.workspaceId}`, windowSeconds: window, max: limits.perWorkspace },
  ]
}

/** The client's address: the first X-Forwarded-For value (set by the app proxy), else the connection's. */
export function clientIp(req: Request, connectionIp: string | null): string | null {
  const forwarded = req.headers.get('x-forwarded-for')?.split(',')[0]?.trim()
  return (forwarded && forwarded.length <= 100 ? forwarded : null) ?? connectionIp
}
