// Go's time.ParseDuration format ("1s", "1h30m", "500ms"), which GoTrue uses for
// config.toml's max_frequency and the admin API's ban_duration.

const UNIT_MS: Record<string, number> = {
  ns: 1e-6,
  us: 1e-3,
  µs: 1e-3,
  μs: 1e-3,
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
}

/** Milliseconds, or null when the text is not a Go duration. */
export function parseGoDuration(text: string): number | null {
  const input = text.trim()
  if (input === '0') return 0
  const match = /^([+-]?)((?:\d+(?:\.\d+)?|\.\d+)(?:ns|us|µs|μs|ms|s|m|h))+$/.exec(input)
  if (!match) return null
  let total = 0
  for (const part of input.replace(/^[+-]/, '').matchAll(/(\d+(?:\.\d+)?|\.\d+)(ns|us|µs|μs|ms|s|m|h)/g)) {
    total += Number(part[1]) * UNIT_MS[part[2]]
  }
  return match[1] === '-' ? -total : total
}
