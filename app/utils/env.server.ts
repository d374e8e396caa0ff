// The one place that reads the server's environment. Every variable is validated at first
// use with a message naming what is missing; only PUBLIC_ENV's allow-list reaches the browser.
import { z } from 'zod'

const EnvSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  SUPABASE_URL: z.url({ message: 'SUPABASE_URL must be the project URL, e.g. http://127.0.0.1:54321' }),
  SUPABASE_ANON_KEY: z.string().min(20, 'SUPABASE_ANON_KEY (or SUPABASE_PUBLISHABLE_KEY) is required'),
  SUPABASE_DB_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'SUPABASE_DB_URL must be a postgresql:// connection string'),
  /** Server-only; the trash purge removes a purged book's export files from Storage with it. */
  SUPABASE_SERVICE_ROLE_KEY: z.string().min(20, 'SUPABASE_SERVICE_ROLE_KEY looks truncated').optional(),
  /** Pool size of the app's Postgres connection (use the pooler's limits in production). */
  DB_POOL_MAX: z.coerce.number().int().positive().default(10),
})

export type Env = z.infer<typeof EnvSchema>

let cached: Env | undefined

export function env(): Env {
  if (cached) return cached
  const source = {
    ...process.env,
    SUPABASE_ANON_KEY: process.env.SUPABASE_ANON_KEY ?? process.env.SUPABASE_PUBLISHABLE_KEY,
    SUPABASE_SERVICE_ROLE_KEY: process.env.SUPABASE_SERVICE_ROLE_KEY ?? process.env.SUPABASE_SECRET_KEY,
  }
  const parsed = EnvSchema.safeParse(source)
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `  - ${i.path.join('.')}: ${i.message}`).join('\n')
    throw new Error(
      `FlowStory cannot start: invalid environment.\n${problems}\n` +
        'Locally, `npm run dev` provides these from the local stack; in production set them as described in README.md.',
    )
  }
  cached = parsed.data
  return cached
}
