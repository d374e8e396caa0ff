// Lets plain Node (scripts, benchmarks) run the app's modules: `~/x` resolves to app/x, as the
// Remix build and Vitest resolve it. Import this first, then import app modules dynamically.
import { registerHooks } from 'node:module'

const appRoot = new URL('../../app/', import.meta.url)

registerHooks({
  resolve: (specifier, context, next) => next(specifier.startsWith('~/') ? new URL(specifier.slice(2), appRoot).href : specifier, context),
})
