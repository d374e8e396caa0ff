// `node bench/import.bench.ts`: how long importing Pride and Prejudice (121k words, 61
// chapters) takes, from bytes to validated chapter JSON. Target (issue 3): ≤ 5 s.
import { readFileSync } from 'node:fs'
import path from 'node:path'
import { parseManuscript } from '../app/modules/import/import.server.ts'
import { projectRoot } from '../supabase/local/config.ts'
import { ms, percentile } from './stats.ts'

const fileName = 'pride-and-prejudice.txt'
const bytes = readFileSync(path.join(projectRoot, '..', 'shared', 'fixtures', 'books', fileName))
const runs = 5
const times: number[] = []
let chapters = 0
let words = 0
for (let run = 0; run <= runs; run++) {
  const started = performance.now()
  const preview = await parseManuscript({ fileName, bytes })
  const elapsed = performance.now() - started
  // The first run warms up the JIT and is not counted.
  if (run > 0) times.push(elapsed)
  chapters = preview.chapters.length
  words = preview.totalWords
}
times.sort((a, b) => a - b)
console.log(
  JSON.stringify(
    { benchmark: 'import', file: fileName, chapters, words, runs, p50: ms(percentile(times, 50)), max: ms(times.at(-1)!), targetMs: 5000 },
    null,
    2,
  ),
)
