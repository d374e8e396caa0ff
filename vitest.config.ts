import path from 'node:path'
import { defineConfig } from 'vitest/config'

export default defineConfig({
  resolve: { alias: { '~': path.resolve(import.meta.dirname, 'app') } },
  test: {
    globals: true,
    include: ['app/**/*.test.{ts,tsx}', 'supabase/local/**/*.test.ts', 'supabase/tests/**/*.test.ts', 'tests/integration/**/*.test.ts', 'tests/fakes/**/*.test.ts'],
    exclude: ['node_modules/**', 'supabase/functions/**', 'tests/e2e/**'],
    globalSetup: ['tests/setup/stack.global.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
  },
})
