// Upload limits as storage-api applies them: a bucket's own size limit and MIME allow-list,
// capped by the project-wide limit from supabase/config.toml ([storage] file_size_limit).
import { errors } from './errors.ts'

/** storage-api's parseFileSizeToBytes: "20MB", "30KB", "3B" (decimal units) or a number of bytes. */
export function parseBucketSizeLimit(value: number | string): number {
  if (typeof value === 'number') {
    if (!Number.isFinite(value) || value < 0) throw errors.invalidRequest('file_size_limit must be a positive number of bytes')
    return Math.floor(value)
  }
  const match = /^([0-9]+(?:\.[0-9]+)?)(gb|mb|kb|b)$/i.exec(value)
  if (!match) throw errors.invalidRequest('Invalid file size format, hint: use 20GB / 20MB / 30KB / 3B')
  const factor = { GB: 1e9, MB: 1e6, KB: 1e3, B: 1 }[match[2].toUpperCase() as 'GB' | 'MB' | 'KB' | 'B']
  return Math.floor(Number.parseFloat(match[1]) * factor)
}

const MIME_PATTERN = /^([a-zA-Z0-9\-+.]+)\/([a-zA-Z0-9\-+.]+)(;\s*charset=[a-zA-Z0-9\-]+)?$|\*$/

export function mustBeValidMimeTypeList(types: string[]): string[] {
  for (const type of types) {
    if (type.length > 1000 || !MIME_PATTERN.test(type)) throw errors.invalidMimeType(type)
  }
  return types
}

/** storage-api's validateMimeType: "image/png" matches "image/png" and "image/*". */
export function mustBeAllowedMimeType(mimeType: string, allowed: string[] | null | undefined): void {
  if (!allowed || allowed.length === 0) return
  const [type, subtype] = mimeType.split(';')[0].trim().split('/')
  if (!subtype) throw errors.invalidMimeType(mimeType)
  const ok = allowed.some((entry) => {
    const [allowedType, allowedSubtype] = entry.split(';')[0].trim().split('/')
    return allowedType === type && (allowedSubtype === '*' || allowedSubtype === subtype)
  })
  if (!ok) throw errors.invalidMimeType(mimeType)
}

export type UploadLimit = { bytes: number; reason: string }

/** The size an upload may have: the smaller of the project's and the bucket's limit. */
export function uploadLimit(globalLimit: number, bucket: { id: string; file_size_limit: number | null }): UploadLimit {
  if (bucket.file_size_limit !== null && bucket.file_size_limit < globalLimit) {
    return { bytes: bucket.file_size_limit, reason: `the file size limit of bucket "${bucket.id}"` }
  }
  return { bytes: globalLimit, reason: 'the file size limit in supabase/config.toml ([storage] file_size_limit)' }
}

export function tooLarge(limit: UploadLimit): never {
  throw errors.entityTooLarge(
    `The object exceeded the maximum allowed size: ${formatBytes(limit.bytes)} is ${limit.reason}`,
  )
}

export function formatBytes(bytes: number): string {
  if (bytes >= 1024 * 1024 && bytes % (1024 * 1024) === 0) return `${bytes / (1024 * 1024)} MiB (${bytes} bytes)`
  if (bytes >= 1024 && bytes % 1024 === 0) return `${bytes / 1024} KiB (${bytes} bytes)`
  return `${bytes} bytes`
}

/** A bucket's file_size_limit from the API: absent stays absent, null clears it, above the project limit is a 413. */
export function parseBucketLimitOrNull(value: number | string | null | undefined, globalLimit: number): number | null | undefined {
  if (value === undefined || value === null) return value
  const bytes = parseBucketSizeLimit(value)
  if (bytes > globalLimit) {
    throw errors.entityTooLarge(
      `The bucket file size limit exceeded the maximum allowed size: ${formatBytes(globalLimit)} is the limit in supabase/config.toml ([storage] file_size_limit)`,
    )
  }
  return bytes
}

export function mustBeAllowedMimeTypeListOrNull(value: string[] | null | undefined): string[] | null | undefined {
  if (!value) return value
  return mustBeValidMimeTypeList(value.filter((type) => type))
}
