// Tests that need a real program (Chromium, epubcheck, LibreOffice) take it from Debian. When
// it is missing, install it as root and say so on the console; otherwise fail with the command
// to run. Never skip: a check that silently did not run is worse than a red test.
import { execFileSync } from 'node:child_process'
import fs from 'node:fs'

export type DebianTool = { pkg: string; binary: string }

let aptUpdated = false

export function ensureDebianTool({ pkg, binary }: DebianTool): string {
  if (fs.existsSync(binary)) return binary
  if (process.getuid?.() !== 0) {
    throw new Error(`${binary} is missing. Install it with: sudo apt-get install -y ${pkg}`)
  }
  console.log(`${binary} is missing: installing Debian’s ${pkg} package (apt-get install -y ${pkg})…`)
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' }
  if (!aptUpdated) {
    execFileSync('apt-get', ['update', '-qq'], { stdio: 'inherit', env })
    aptUpdated = true
  }
  execFileSync('apt-get', ['install', '-y', '-qq', pkg], { stdio: 'inherit', env })
  if (!fs.existsSync(binary)) throw new Error(`apt-get installed ${pkg} but ${binary} is still missing`)
  console.log(`${pkg} installed.`)
  return binary
}
