// Why an import was refused. Routes turn `code` into a message from the catalogue, so the
// codes are a stable contract; `message` is English and only for logs.

/** Largest file the importer reads (checked before anything else). */
export const MAX_IMPORT_BYTES = 20 * 1024 * 1024

export const IMPORT_ERROR_CODES = [
  'empty',
  'too_large',
  'unsupported_type',
  'not_text',
  'corrupt_docx',
  'encrypted_docx',
  'no_text',
] as const

export type ImportErrorCode = (typeof IMPORT_ERROR_CODES)[number]

export class ImportError extends Error {
  readonly code: ImportErrorCode

  constructor(code: ImportErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options)
    this.name = 'ImportError'
    this.code = code
  }
}

export function isImportError(error: unknown): error is ImportError {
  return error instanceof ImportError
}

/** The HTTP status a route answers with for each refusal. */
export const IMPORT_ERROR_STATUS: Record<ImportErrorCode, 413 | 415 | 422> = {
  empty: 422,
  too_large: 413,
  unsupported_type: 415,
  not_text: 415,
  corrupt_docx: 422,
  encrypted_docx: 422,
  no_text: 422,
}
