// What an import left out or changed, as codes with parameters: the import page turns each
// one into a sentence in the writer's language (app/locales, keys `import.warning.<code>`).

export type ImportWarning =
  | { code: 'title_page'; text: string }
  | { code: 'chapter_split'; title: string; parts: number }
  | { code: 'images_dropped' }
  | { code: 'html_dropped' }
  | { code: 'front_matter' }

export type ImportWarningCode = ImportWarning['code']

/** Collects warnings once each (the same image warning from a hundred images is one warning). */
export class ImportWarnings {
  readonly #byKey = new Map<string, ImportWarning>()

  add(warning: ImportWarning): void {
    this.#byKey.set(JSON.stringify(warning), warning)
  }

  list(): ImportWarning[] {
    return [...this.#byKey.values()]
  }
}
