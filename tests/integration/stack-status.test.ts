// `npm run stack:status` is how scripts find the running stack, like `supabase status -o env`.
import { spawnSync } from 'node:child_process'
import os from 'node:os'
import path from 'node:path'
import { inject } from 'vitest'
import { projectRoot } from '../../supabase/local/config.ts'

const env = inject('stackEnv')
const status = (stateDir: string) =>
  spawnSync(process.execPath, [path.join(projectRoot, 'scripts', 'stack-status.ts')], { env: { ...process.env, STACK_STATE_DIR: stateDir }, encoding: 'utf8' })

describe('npm run stack:status', () => {
  it('prints KEY="value" lines for the running stack', () => {
    const result = status(env.STACK_STATE_DIR)
    expect(result.status).toBe(0)
    const vars = Object.fromEntries(result.stdout.trim().split('\n').map((line) => {
      const match = /^([A-Z_]+)="(.*)"$/.exec(line)
      expect(match, line).not.toBeNull()
      return [match![1], match![2]]
    }))
    expect(vars).toMatchObject({ API_URL: env.SUPABASE_URL, DB_URL: env.SUPABASE_DB_URL, MAILPIT_URL: env.MAILPIT_URL, ANON_KEY: env.SUPABASE_ANON_KEY, SERVICE_ROLE_KEY: env.SUPABASE_SERVICE_ROLE_KEY })
    expect(vars.PUBLISHABLE_KEY).toMatch(/^sb_publishable_/)
    expect(vars.SECRET_KEY).toMatch(/^sb_secret_/)
  })

  it('says how to start the stack when it is not running', () => {
    const result = status(path.join(os.tmpdir(), 'flowstory-no-stack-here'))
    expect(result.status).toBe(1)
    expect(result.stderr).toContain('npm run dev')
  })
})
