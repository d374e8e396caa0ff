// Browser tests use Debian's Chromium (playwright's own download cannot work here). When it
// is missing, install it as root and say so; never skip silently.
import { ensureDebianTool } from './debian-tools.ts'

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'

export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
]

export function ensureChromium(): string {
  return ensureDebianTool({ pkg: 'chromium', binary: CHROMIUM_PATH })
}
