// The chapter page's form schema, for its action. Imported through a .server module because
// the browser build replaces those with empty modules: the editor page ships without zod
// (~90 KB gzip; with code splitting even an import only an action uses pulls zod's chunk in).
export { ChapterDetailsSchema } from './schema.ts'
