// Module resolution hooks (node:module register) that let a script run the app's modules
// under plain Node: `~/x` resolves to app/x, as the Remix build and tsconfig resolve it.
type ResolveContext = { parentURL?: string; conditions: string[] }
type NextResolve = (specifier: string, context: ResolveContext) => Promise<{ url: string }>

const appRoot = new URL('../../app/', import.meta.url)

export async function resolve(specifier: string, context: ResolveContext, next: NextResolve) {
  return next(specifier.startsWith('~/') ? new URL(specifier.slice(2), appRoot).href : specifier, context)
}
