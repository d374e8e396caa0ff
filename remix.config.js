// Tests and benchmarks build into their own folder (FLOWSTORY_BUILD_DIR) so they never
// overwrite the build that `npm run dev` is serving.
const buildDir = process.env.FLOWSTORY_BUILD_DIR

/** @type {import('@remix-run/dev').AppConfig} */
export default {
  ...(buildDir ? { serverBuildPath: `${buildDir}/index.js`, assetsBuildDirectory: `${buildDir}/assets` } : {}),
  ignoredRouteFiles: ['**/.*', '**/*.test.{ts,tsx}'],
  serverModuleFormat: 'esm',
  serverDependenciesToBundle: [],
  tailwind: true,
  postcss: true,
  browserNodeBuiltinsPolyfill: { modules: {} },
  future: {
    v3_fetcherPersist: true,
    v3_relativeSplatPath: true,
    v3_throwAbortReason: true,
    v3_lazyRouteDiscovery: true,
  },
}
