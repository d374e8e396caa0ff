// Exports as the writer sees them: build a book (or one chapter) in a format, keep the file
// in the private Storage bucket `exports` for EXPORT_RETENTION_DAYS, list past exports,
// hand out a short-lived signed URL to download one, and purge what has expired.
// Files are uploaded and signed AS THE USER (their supabase-js client), so the bucket's
// policies decide, exactly as the table's RLS does for rows. See docs/decisions/010-exports.md.
import { randomUUID } from 'node:crypto'
import type { SupabaseClient } from '@supabase/supabase-js'
import { withServiceRole, withUser, type Tx, type VerifiedClaims } from '~/utils/db.server.ts'
import type { MessageKey } from '~/utils/i18n.ts'
import { supabaseServiceRole } from '~/utils/supabase.server.ts'
import { getOpenBook } from '../books/books.server.ts'
import { getOpenChapter } from '../chapters/chapters.server.ts'
import { isUuid } from '../chapters/errors.ts'
import type { ManuscriptDoc } from '../manuscript/schema.ts'
import { getOwnProfile } from '../profiles/profiles.server.ts'
import { bookTitle, cleanText, type ExportBook } from './book.ts'
import { toDocx } from './docx.server.ts'
import { toEpub } from './epub.server.ts'
import { toMarkdown } from './markdown.server.ts'
import type { ExportFormat } from './schema.ts'

export const EXPORTS_BUCKET = 'exports'
/** A download link is followed right away; a minute is plenty and leaks little if shared. */
export const SIGNED_URL_SECONDS = 60
/**
 * A file in the bucket with no row is a leftover (its row's book was purged, or recording the
 * row failed and so did removing the file). Older than this, it cannot be an export in flight.
 */
const ORPHAN_GRACE = '1 hour'
/**
 * The most text (UTF-8 bytes, about 17 million words) an export builds: the whole file is made
 * in memory, and a book past this could not fit the bucket's 50 MB limit in any format.
 */
const MAX_SOURCE_BYTES = 100 * 1024 * 1024
/** storage-api removes at most 1,000 objects per call. */
const REMOVE_BATCH = 1000

const CONTENT_TYPE: Record<ExportFormat, string> = {
  // No charset parameter: some Storage versions compare it literally with the bucket's list.
  md: 'text/markdown',
  docx: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  epub: 'application/epub+zip',
}

export type ExportErrorCode = 'not_found' | 'chapter_not_in_book' | 'no_chapters' | 'too_large' | 'storage_failed'

const ERROR: Record<ExportErrorCode, { status: 400 | 404 | 413 | 503; message: MessageKey }> = {
  not_found: { status: 404, message: 'error.notFound.body' },
  chapter_not_in_book: { status: 400, message: 'export.error.chapter' },
  no_chapters: { status: 400, message: 'export.error.noChapters' },
  too_large: { status: 413, message: 'export.error.tooLarge' },
  storage_failed: { status: 503, message: 'export.error.storage' },
}

export class ExportError extends Error {
  readonly code: ExportErrorCode
  readonly status: 400 | 404 | 413 | 503
  readonly messageKey: MessageKey

  constructor(code: ExportErrorCode, detail: string) {
    super(detail)
    this.name = 'ExportError'
    this.code = code
    this.status = ERROR[code].status
    this.messageKey = ERROR[code].message
  }
}

export type CreatedExport = { id: string; format: ExportFormat; objectPath: string; byteSize: number; fileName: string }

/**
 * Builds the file from the book's chapters outside the trash (or the one chapter), uploads it
 * as the user, then records its row. Either both exist afterwards or neither: a refused upload
 * records nothing, and a refused row removes the uploaded file. (One database transaction
 * cannot span the upload: Storage writes its own row in storage.objects.)
 */
export async function createExport({
  claims,
  supabase,
  tenantId,
  bookId,
  chapterId,
  format,
}: {
  claims: VerifiedClaims
  /** The signed-in user's client (requireUser), so Storage's policies see the user. */
  supabase: SupabaseClient
  tenantId: string
  bookId: string
  chapterId?: string | null
  format: ExportFormat
}): Promise<CreatedExport> {
  // Ids from the URL may be upper-case; the bucket's policy matches paths in canonical form.
  tenantId = tenantId.toLowerCase()
  bookId = bookId.toLowerCase()
  chapterId = chapterId ? chapterId.toLowerCase() : null
  const source = await withUser(claims, (tx) => readExportSource({ tx, tenantId, bookId, chapterId: chapterId || null }))
  const bytes = await buildFile(source.book, format, chapterId || bookId)
  const id = randomUUID()
  const objectPath = `${tenantId}/${bookId}/${id}.${format}`

  const uploaded = await supabase.storage
    .from(EXPORTS_BUCKET)
    .upload(objectPath, bytes, { contentType: CONTENT_TYPE[format], upsert: false, cacheControl: 'no-store' })
  if (uploaded.error) {
    const status = (uploaded.error as { statusCode?: string }).statusCode
    if (status === '413') throw new ExportError('too_large', `The ${format} file (${bytes.byteLength} bytes) is over the bucket's limit`)
    throw new ExportError('storage_failed', `Uploading ${objectPath} failed: ${uploaded.error.message}`)
  }

  try {
    await withUser(claims, (tx) => tx`
      insert into public.exports (id, tenant_id, book_id, chapter_id, format, object_path, byte_size)
      values (${id}, ${tenantId}, ${bookId}, ${chapterId || null}, ${format}, ${objectPath}, ${bytes.byteLength})`)
  } catch (error) {
    const removed = await supabase.storage.from(EXPORTS_BUCKET).remove([objectPath])
    // If even that fails, the purge's orphan sweep removes the file later.
    if (removed.error) console.error(`export ${objectPath}: row refused and file left for the purge:`, removed.error.message)
    throw error
  }
  return { id, format, objectPath, byteSize: bytes.byteLength, fileName: exportFileName(source.fileTitle, format) }
}

type ExportSource = { book: ExportBook; fileTitle: string }

async function readExportSource({
  tx,
  tenantId,
  bookId,
  chapterId,
}: {
  tx: Tx
  tenantId: string
  bookId: string
  chapterId: string | null
}): Promise<ExportSource> {
  const book = isUuid(bookId) ? await getOpenBook({ tx, bookId, workspaceId: tenantId }) : null
  if (!book) throw new ExportError('not_found', `Book ${bookId} is not open in workspace ${tenantId}`)
  if (chapterId !== null && !(await getOpenChapter({ tx, chapterId, bookId }))) {
    throw new ExportError('chapter_not_in_book', `Chapter ${chapterId} is not a chapter of book ${bookId}`)
  }
  // Measured before anything is loaded: a book far past the bucket's limit would only cost
  // the server memory (the whole file is built in memory) to be refused at upload.
  const [size] = await tx<{ bytes: number }[]>`
    select coalesce(sum(octet_length(c.plain_text)), 0)::float8 as bytes
    from public.chapters c
    where c.book_id = ${bookId} and c.deleted_at is null and (${chapterId}::uuid is null or c.id = ${chapterId}::uuid)`
  if (size.bytes > MAX_SOURCE_BYTES) throw new ExportError('too_large', `Book ${bookId} holds ${size.bytes} bytes of chapters`)
  const chapters = await tx<{ title: string; content: ManuscriptDoc }[]>`
    select c.title, c.content
    from public.chapters c
    where c.book_id = ${bookId} and c.deleted_at is null and (${chapterId}::uuid is null or c.id = ${chapterId}::uuid)
    order by c.position, c.created_at`
  if (chapters.length === 0) throw new ExportError('no_chapters', `Book ${bookId} has no chapters outside the trash`)
  const author = (await getOwnProfile({ tx }))?.displayName ?? ''
  const exportBook: ExportBook = {
    title: book.title,
    author,
    language: book.language === 'other' ? 'und' : book.language,
    chapters: chapters.map((chapter) => ({ title: chapter.title, doc: chapter.content })),
  }
  const fileTitle = chapterId === null ? bookTitle(exportBook) : `${bookTitle(exportBook)} - ${chapters[0].title}`
  return { book: exportBook, fileTitle }
}

async function buildFile(book: ExportBook, format: ExportFormat, identifier: string): Promise<Uint8Array> {
  if (format === 'md') return new TextEncoder().encode(toMarkdown(book))
  if (format === 'docx') return toDocx(book)
  // The same identifier on every export of a book lets reading apps keep the reader's place.
  return toEpub(book, { identifier })
}

/** "Dom Casmurro - Capítulo 1.epub": the title, without what file systems refuse. */
export function exportFileName(title: string, format: ExportFormat): string {
  const safe = cleanText(title)
    .replace(/[\\/:*?"<>|\u0000-\u001f\u007f]/g, ' ')
    .replace(/\s+/g, ' ')
    .trim()
    .replace(/^\.+/, '')
    .slice(0, 120)
    .trim()
  return `${safe || 'flowstory'}.${format}`
}

export type ExportListItem = {
  id: string
  format: ExportFormat
  byteSize: number
  createdAt: Date
  expiresAt: Date
  chapterTitle: string | null
  createdByName: string | null
}

/** The book's exports that have not expired, newest first (RLS: the caller's workspaces). */
export async function listExports({ tx, bookId }: { tx: Tx; bookId: string }): Promise<ExportListItem[]> {
  if (!isUuid(bookId)) return []
  return tx<ExportListItem[]>`
    select e.id, e.format, e.byte_size::int as "byteSize", e.created_at as "createdAt", e.expires_at as "expiresAt",
           c.title as "chapterTitle", p.display_name as "createdByName"
    from public.exports e
    left join public.chapters c on c.id = e.chapter_id and c.tenant_id = e.tenant_id
    left join public.profiles p on p.id = e.created_by
    where e.book_id = ${bookId} and e.expires_at > now()
    order by e.created_at desc
    limit 100`
}

export type DownloadableExport = { objectPath: string; fileName: string; expired: boolean }

/** One export of the book the URL names, with the file name it downloads as; null when not visible there. */
export async function getExport({ tx, exportId, bookId }: { tx: Tx; exportId: string; bookId: string }): Promise<DownloadableExport | null> {
  if (!isUuid(exportId) || !isUuid(bookId)) return null
  const [row] = await tx<{ objectPath: string; format: ExportFormat; bookTitle: string; chapterTitle: string | null; expired: boolean }[]>`
    select e.object_path as "objectPath", e.format, b.title as "bookTitle", c.title as "chapterTitle", e.expires_at <= now() as expired
    from public.exports e
    join public.books b on b.id = e.book_id and b.tenant_id = e.tenant_id
    left join public.chapters c on c.id = e.chapter_id and c.tenant_id = e.tenant_id
    where e.id = ${exportId} and e.book_id = ${bookId}`
  if (!row) return null
  const title = row.chapterTitle ? `${row.bookTitle} - ${row.chapterTitle}` : row.bookTitle
  return { objectPath: row.objectPath, fileName: exportFileName(title, row.format), expired: row.expired }
}

/**
 * A signed URL (SIGNED_URL_SECONDS) that downloads the file as an attachment named fileName,
 * created as the user, so Storage's policies refuse anyone outside the workspace.
 */
export async function signedDownloadUrl({
  supabase,
  objectPath,
  fileName,
}: {
  supabase: SupabaseClient
  objectPath: string
  fileName: string
}): Promise<string | null> {
  const { data, error } = await supabase.storage.from(EXPORTS_BUCKET).createSignedUrl(objectPath, SIGNED_URL_SECONDS)
  if (error || !data) return null
  // Added here rather than through the `download` option: storage-js passes the URL through
  // encodeURI after form-encoding the name, which double-encodes any accented letter.
  return `${data.signedUrl}&download=${encodeURIComponent(fileName)}`
}

export type PurgeResult = { rows: number; files: number }

/**
 * Service role: removes the files of expired exports and then their rows, plus files left
 * without a row for over ORPHAN_GRACE. With workspaceId, only that workspace's (the export
 * page does this on each load); without, every workspace's (what a scheduler calls).
 * Files go first: if removing them fails, the rows stay and the next purge tries again.
 */
export async function purgeExpiredExports({ workspaceId }: { workspaceId?: string } = {}): Promise<PurgeResult> {
  const prefix = workspaceId ? `${workspaceId}/%` : '%'
  const { expired, orphans } = await withServiceRole(async (tx) => ({
    expired: await tx<{ id: string; objectPath: string }[]>`
      select e.id, e.object_path as "objectPath" from public.exports e
      where e.expires_at <= now() and (${workspaceId ?? null}::uuid is null or e.tenant_id = ${workspaceId ?? null}::uuid)
      order by e.expires_at
      limit 10000`,
    orphans: await tx<{ name: string }[]>`
      select o.name::text as name from storage.objects o
      where o.bucket_id = ${EXPORTS_BUCKET} and o.name like ${prefix}
        and o.created_at < now() - ${ORPHAN_GRACE}::interval
        and not exists (select 1 from public.exports e where e.object_path = o.name::text)
      limit 10000`,
  }))
  const paths = [...expired.map((row) => row.objectPath), ...orphans.map((row) => row.name)]
  if (paths.length === 0) return { rows: 0, files: 0 }

  let files = 0
  const storage = supabaseServiceRole().storage.from(EXPORTS_BUCKET)
  for (let start = 0; start < paths.length; start += REMOVE_BATCH) {
    const { data, error } = await storage.remove(paths.slice(start, start + REMOVE_BATCH))
    if (error) throw new Error(`Purging expired exports: removing files failed: ${error.message}`)
    files += data.length
  }
  const ids = expired.map((row) => row.id)
  const deleted = ids.length === 0 ? { count: 0 } : await withServiceRole((tx) => tx`delete from public.exports where id = any(${ids}::uuid[])`)
  return { rows: deleted.count, files }
}
