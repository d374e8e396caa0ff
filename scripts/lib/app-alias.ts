// Import this first (then import app modules dynamically): registers the `~/` alias.
import { register } from 'node:module'

register('./app-alias-hooks.ts', import.meta.url)
