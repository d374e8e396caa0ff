// Which bucket names and object keys the stand-in accepts. storage-api's own character
// rules come first; on top, because keys become paths on this machine's disk, segments
// "." and "..", empty segments and leading slashes are refused, so no key can reach
// outside its bucket's folder.
import { decodePercent } from '../http.ts'
import { errors } from './errors.ts'

// storage-api's VALID_OBJECT_KEY and VALID_BUCKET_NAME (S3's safe characters).
const VALID_OBJECT_KEY = /^[A-Za-z0-9_/!.*'() &$=@;:+,?-]+$/
const VALID_BUCKET_NAME = /^[A-Za-z0-9_!.*'() &$=@;:+,?-]+$/

export const EMPTY_FOLDER_PLACEHOLDER = '.emptyFolderPlaceholder'

export function mustBeValidBucketName(name: string | undefined): string {
  if (
    !name ||
    name.length > 100 ||
    name.trim() !== name ||
    !VALID_BUCKET_NAME.test(name) ||
    name === '.' ||
    name === '..'
  ) {
    throw errors.invalidBucketName(name ?? '')
  }
  return name
}

export function mustBeValidKey(key: string | undefined): string {
  if (!key) throw errors.invalidKey('', 'the object path is empty')
  if (key.includes('\0')) throw errors.invalidKey(key.replaceAll('\0', '\\0'), 'NUL is not allowed')
  if (!VALID_OBJECT_KEY.test(key)) throw errors.invalidKey(key)
  if (key.startsWith('/')) throw errors.invalidKey(key, 'absolute paths are not allowed')
  for (const segment of key.split('/')) {
    if (segment === '.' || segment === '..') throw errors.invalidKey(key, '"." and ".." segments are not allowed')
    if (segment === '') throw errors.invalidKey(key, 'empty path segments are not allowed')
  }
  return key
}

export function isEmptyFolderPlaceholder(key: string): boolean {
  return key.endsWith(EMPTY_FOLDER_PLACEHOLDER)
}

/** Decodes URL path segments into an object key; a malformed escape is a 400, not a crash. */
export function keyFromSegments(segments: string[]): string {
  const decoded = segments.map(decodePercent)
  if (decoded.some((segment) => segment === null)) throw errors.invalidKey(segments.join('/'), 'malformed percent-encoding')
  return decoded.join('/')
}
