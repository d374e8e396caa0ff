// `npm test`: every test layer, in order — types, Vitest (unit, local-stack integration,
// pgTAP through the stack's Postgres), Deno tests of the Edge Functions, browser tests in
// headless Chromium — then one closing line with the totals.
import { spawn } from 'node:child_process'
import fs from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { projectRoot } from '../supabase/local/config.ts'

type Totals = { passed: number; failed: number; skipped: number }
type Layer = { name: string; run: () => Promise<Totals & { ok: boolean }> }

const bin = (name: string) => path.join(projectRoot, 'node_modules', '.bin', name)

function run(command: string, args: string[], env: Record<string, string> = {}): Promise<{ code: number; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(command, args, { cwd: projectRoot, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] })
    let output = ''
    const relay = (chunk: Buffer, stream: NodeJS.WriteStream) => {
      output += chunk.toString()
      stream.write(chunk)
    }
    child.stdout.on('data', (c: Buffer) => relay(c, process.stdout))
    child.stderr.on('data', (c: Buffer) => relay(c, process.stderr))
    child.on('exit', (code) => resolve({ code: code ?? 1, output }))
  })
}

async function vitest(config: string): Promise<Totals & { ok: boolean }> {
  const report = path.join(os.tmpdir(), `flowstory-vitest-${process.pid}-${path.basename(config)}.json`)
  const { code } = await run(process.execPath, [bin('vitest'), 'run', '--config', config, '--reporter=default', '--reporter=json', `--outputFile.json=${report}`])
  try {
    const json = JSON.parse(await fs.readFile(report, 'utf8')) as { numPassedTests: number; numFailedTests: number; numPendingTests: number; numTodoTests: number }
    return { ok: code === 0, passed: json.numPassedTests, failed: json.numFailedTests, skipped: json.numPendingTests + json.numTodoTests }
  } catch {
    return { ok: false, passed: 0, failed: 1, skipped: 0 }
  } finally {
    await fs.rm(report, { force: true })
  }
}

const layers: Layer[] = [
  {
    name: 'types (tsc)',
    run: async () => {
      const { code } = await run(process.execPath, [path.join(projectRoot, 'node_modules', 'typescript', 'bin', 'tsc')])
      return { ok: code === 0, passed: code === 0 ? 1 : 0, failed: code === 0 ? 0 : 1, skipped: 0 }
    },
  },
  { name: 'unit, integration and database (vitest)', run: () => vitest('vitest.config.ts') },
  {
    name: 'edge functions (deno test)',
    run: async () => {
      const { code, output } = await run(bin('deno'), ['test', '--allow-all', '--node-modules-dir=manual', 'supabase/functions'], {
        DENO_NO_UPDATE_CHECK: '1',
      })
      const summary = /(\d+) passed[^|\n]*\| (\d+) failed/.exec(output.replace(/\x1b\[[0-9;]*m/g, ''))
      const passed = Number(summary?.[1] ?? 0)
      const failed = Number(summary?.[2] ?? (code === 0 ? 0 : 1))
      return { ok: code === 0 && passed > 0, passed, failed: passed === 0 && failed === 0 ? 1 : failed, skipped: 0 }
    },
  },
  { name: 'browser (vitest + playwright-core + chromium)', run: () => vitest('vitest.e2e.config.ts') },
]

const only = process.argv.slice(2)
const totals: Totals = { passed: 0, failed: 0, skipped: 0 }
const results: string[] = []
for (const layer of layers) {
  if (only.length && !only.some((o) => layer.name.includes(o))) continue
  console.log(`\n━━ ${layer.name} ━━`)
  const result = await layer.run()
  totals.passed += result.passed
  totals.failed += result.failed
  totals.skipped += result.skipped
  results.push(`${result.ok ? '✓' : '✗'} ${layer.name}: ${result.passed} passed, ${result.failed} failed`)
  if (!result.ok && totals.failed === 0) totals.failed += 1
}
console.log(`\n${results.join('\n')}\n`)
console.log(`${totals.passed} passed, ${totals.failed} failed${totals.skipped ? `, ${totals.skipped} skipped` : ''}`)
process.exit(totals.failed === 0 ? 0 : 1)
