// /object endpoints: upload, download, info, list, remove, move, copy. Every read and
// write of storage.objects runs in the principal's scope, so the project's RLS policies
// decide; bytes move on disk inside the same transaction and are put back if it fails.
import { randomUUID } from 'node:crypto'
import fs from 'node:fs/promises'
import type postgres from 'postgres'
import { z } from 'zod'
import { json } from '../http.ts'
import { isUuid } from './buckets.ts'
import type { Caller } from './caller.ts'
import { findBucketForUpload, readBody, scopeOf, type StorageContext } from './context.ts'
import { errors } from './errors.ts'
import type { Placement } from './file-store.ts'
import { uploadLimit } from './limits.ts'
import { isEmptyFolderPlaceholder, mustBeValidBucketName, mustBeValidKey } from './object-keys.ts'
import { testPermission, type Scope, type Tx } from './scoped-sql.ts'
import { serveStoredObject, type ObjectMetadata, type ServedObject } from './serve-object.ts'
import { isMultipart, rawUploadHeaders, stageMultipartBody, stageRawBody, type StagedUpload } from './upload-body.ts'

type ObjectRow = ServedObject & {
  id: string
  bucket_id: string
  version: string | null
  user_metadata: Record<string, unknown> | null
  created_at: Date
  last_accessed_at: Date
}

export type UploadTarget = {
  bucketId: string
  key: string
  /** Who the write runs as: the caller, or the superuser for a signed upload URL. */
  scope: Scope
  owner?: string
  upsert: boolean
}

/** storage-api's upload: limits, RLS asked first, bytes staged, then row and bytes together. */
export async function uploadObject(context: StorageContext, req: Request, target: UploadTarget): Promise<{ Id: string; Key: string }> {
  const bucketId = mustBeValidBucketName(target.bucketId)
  const key = mustBeValidKey(target.key)
  const bucket = await findBucketForUpload(context, bucketId)
  const placeholder = isEmptyFolderPlaceholder(key)
  const limit = placeholder
    ? { bytes: 0, reason: 'the size of a folder placeholder' }
    : uploadLimit(context.globalFileSizeLimit, bucket)
  const row = (metadata: ObjectMetadata, userMetadata?: Record<string, unknown>) => ({
    id: randomUUID(),
    version: randomUUID(),
    bucketId,
    key,
    owner: target.owner,
    metadata,
    userMetadata,
    upsert: target.upsert,
  })

  let staged: StagedUpload
  if (isMultipart(req)) {
    staged = await stageMultipartBody(req, limit, bucket.allowed_mime_types, !placeholder, context.store)
  } else {
    const headers = rawUploadHeaders(req, limit, bucket.allowed_mime_types, !placeholder)
    // Ask RLS before reading a single byte, with what storage-api shows policies at this point.
    await testPermission(target.scope, (tx) =>
      writeObjectRow(tx, row({ mimetype: headers.mimeType, contentLength: headers.declaredLength }, headers.userMetadata)),
    )
    staged = await stageRawBody(req, headers, limit, context.store)
  }

  const placed: { value?: Placement } = {}
  try {
    const metadata: ObjectMetadata = {
      eTag: staged.eTag,
      size: staged.size,
      mimetype: staged.mimeType,
      cacheControl: staged.cacheControl,
      lastModified: new Date().toISOString(),
      contentLength: staged.size,
      httpStatusCode: 200,
    }
    const id = await target.scope(async (tx) => {
      const objectId = await writeObjectRow(tx, row(metadata, staged.userMetadata))
      placed.value = await context.store.place(staged.stagedPath, bucketId, key)
      return objectId
    })
    await placed.value?.commit()
    return { Id: id, Key: `${bucketId}/${key}` }
  } catch (error) {
    await placed.value?.rollback()
    throw asKeyAlreadyExists(error)
  } finally {
    await fs.rm(staged.stagedPath, { force: true })
  }
}

type RowToWrite = {
  id: string
  version: string
  bucketId: string
  key: string
  owner?: string
  metadata: ObjectMetadata
  userMetadata?: Record<string, unknown> | null
  upsert: boolean
}

/** An insert (or, for x-upsert, an upsert) as storage-api writes it; returns the row's id. */
async function writeObjectRow(tx: Tx, row: RowToWrite): Promise<string> {
  const ownerUuid = isUuid(row.owner) ? row.owner : null
  // postgres.js serialises jsonb parameters itself: pass values, not JSON text.
  const metadata = tx.json(row.metadata as postgres.JSONValue)
  const userMetadata = row.userMetadata ? tx.json(row.userMetadata as postgres.JSONValue) : null
  if (!row.upsert) {
    await tx`
      insert into storage.objects (id, bucket_id, name, owner, owner_id, metadata, user_metadata, version)
      values (${row.id}, ${row.bucketId}, ${row.key}, ${ownerUuid}, ${row.owner ?? null},
              ${metadata}, ${userMetadata}, ${row.version})`
    return row.id
  }
  const [written] = await tx<{ id: string }[]>`
    insert into storage.objects (id, bucket_id, name, owner, owner_id, metadata, user_metadata, version)
    values (${row.id}, ${row.bucketId}, ${row.key}, ${ownerUuid}, ${row.owner ?? null},
            ${metadata}, ${userMetadata}, ${row.version})
    on conflict (bucket_id, name) do update set
      metadata = excluded.metadata,
      user_metadata = excluded.user_metadata,
      version = excluded.version,
      owner = excluded.owner,
      owner_id = excluded.owner_id
    returning id`
  return written.id
}

function asKeyAlreadyExists(error: unknown): unknown {
  return (error as { body?: { code?: string } }).body?.code === 'ResourceAlreadyExists' ? errors.keyAlreadyExists() : error
}

export async function findObject(scope: Scope, bucketId: string, key: string): Promise<ObjectRow> {
  const [row] = await scope(
    (tx) => tx<ObjectRow[]>`
      select id, name, bucket_id, version, metadata, user_metadata, created_at, updated_at, last_accessed_at
      from storage.objects where bucket_id = ${mustBeValidBucketName(bucketId)} and name = ${mustBeValidKey(key)}`,
  )
  if (!row) throw errors.noSuchKey()
  return row
}

/** GET/HEAD an object the principal can see: 404 "Object not found" when RLS hides it. */
export async function downloadObject(context: StorageContext, req: Request, scope: Scope, bucketId: string, key: string) {
  const row = await findObject(scope, bucketId, key)
  return serveStoredObject(req, row, await context.store.open(bucketId, key))
}

/** GET/HEAD /object/public/...: only for public buckets, and then for anyone. */
export async function downloadPublicObject(context: StorageContext, req: Request, superuserScope: Scope, bucketId: string, key: string) {
  await mustBePublicBucket(superuserScope, bucketId)
  return downloadObject(context, req, superuserScope, bucketId, key)
}

export async function mustBePublicBucket(superuserScope: Scope, bucketId: string): Promise<void> {
  const [bucket] = await superuserScope(
    (tx) => tx<{ public: boolean }[]>`select public from storage.buckets where id = ${mustBeValidBucketName(bucketId)}`,
  )
  if (!bucket?.public) throw errors.noSuchBucket()
}

/** GET /object/info/...: storage-api's info renderer. */
export async function objectInfo(scope: Scope, bucketId: string, key: string): Promise<Response> {
  const row = await findObject(scope, bucketId, key)
  const metadata = row.metadata ?? {}
  return json({
    id: row.id,
    name: row.name,
    version: row.version,
    bucket_id: row.bucket_id,
    size: metadata.size ?? null,
    content_type: metadata.mimetype ?? null,
    cache_control: metadata.cacheControl ?? null,
    etag: metadata.eTag ?? null,
    metadata: row.user_metadata,
    last_modified: row.updated_at,
    created_at: row.created_at,
  })
}

const listBody = z.object({
  prefix: z.string().default(''),
  limit: z.number().int().min(1).optional(),
  offset: z.number().int().min(0).optional(),
  sortBy: z
    .object({
      column: z.enum(['name', 'updated_at', 'created_at', 'last_accessed_at']),
      order: z.enum(['asc', 'desc']).optional(),
    })
    .optional(),
  search: z.string().optional(),
})

/**
 * POST /object/list/:bucket: storage-api's legacy search. One level under the prefix:
 * folders first (id null), then files, only among the rows RLS lets the caller see.
 */
export async function listObjects(context: StorageContext, caller: Caller, bucketId: string, req: Request): Promise<Response> {
  mustBeValidBucketName(bucketId)
  const body = await readBody(req, listBody)
  const prefix = body.prefix.length > 0 && !body.prefix.endsWith('/') ? `${body.prefix}/` : body.prefix
  const search = body.search ?? ''
  const levels = `${prefix}${search}`.split('/').length
  const column = body.sortBy?.column ?? 'name'
  const order = body.sortBy?.order === 'desc' ? 'desc' : 'asc'
  const rows = await scopeOf(context, caller)((tx) =>
    tx.unsafe(
      `with matching as (
         select name, id, updated_at, created_at, last_accessed_at, metadata, path_tokens
         from storage.objects
         where bucket_id = $1 and name ilike $2 escape '\\'
       ),
       listed as (
         select folder as name, null::uuid as id, null::timestamptz as updated_at, null::timestamptz as created_at,
                null::timestamptz as last_accessed_at, null::jsonb as metadata,
                0 as kind, row_number() over (order by folder collate "C" ${order}) as position
         from (select path_tokens[$3::int] as folder from matching
               where array_length(path_tokens, 1) <> $3::int group by 1) folders
         union all
         select path_tokens[$3::int], id, updated_at, created_at, last_accessed_at, metadata,
                1, row_number() over (order by ${column} ${order}, name)
         from matching where array_length(path_tokens, 1) = $3::int
       )
       select name, id, updated_at, created_at, last_accessed_at, metadata
       from listed order by kind, position limit $4::int offset $5::int`,
      [bucketId, `${escapeLike(prefix + search)}%`, levels, body.limit ?? 100, body.offset ?? 0],
    ),
  )
  return json(rows)
}

function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (ch) => `\\${ch}`)
}

const removeBody = z.object({ prefixes: z.array(z.string()).min(1).max(1000) })

/** DELETE /object/:bucket {prefixes}: removes what RLS lets the caller delete, returns those rows. */
export async function removeObjects(context: StorageContext, caller: Caller, bucketId: string, req: Request): Promise<Response> {
  mustBeValidBucketName(bucketId)
  const { prefixes } = await readBody(req, removeBody)
  const deleted = await scopeOf(context, caller)(
    (tx) => tx<ObjectRow[]>`
      delete from storage.objects where bucket_id = ${bucketId} and name = any(${prefixes}::text[])
      returning name, id, bucket_id, owner, owner_id, version, created_at, updated_at, last_accessed_at, metadata, user_metadata`,
  )
  // Bytes go only once the rows are gone for good: a transaction that fails keeps both.
  for (const row of deleted) await context.store.remove(bucketId, row.name)
  return json(deleted)
}

/** DELETE /object/:bucket/*path: 404 if it does not exist, 403 if RLS keeps it. */
export async function removeObject(context: StorageContext, caller: Caller, superuserScope: Scope, bucketId: string, key: string) {
  await findObject(superuserScope, bucketId, key)
  await scopeOf(context, caller)(async (tx) => {
    const rows = await tx`delete from storage.objects where bucket_id = ${bucketId} and name = ${key} returning name`
    if (rows.length === 0) throw errors.accessDenied()
  })
  await context.store.remove(bucketId, key)
  return json({ message: 'Successfully deleted' })
}

const moveBody = z.object({
  bucketId: z.string(),
  sourceKey: z.string(),
  destinationKey: z.string(),
  destinationBucket: z.string().nullish(),
})

export async function moveObject(context: StorageContext, caller: Caller, req: Request): Promise<Response> {
  const body = await readBody(req, moveBody)
  const fromBucket = mustBeValidBucketName(body.bucketId)
  const toBucket = mustBeValidBucketName(body.destinationBucket || fromBucket)
  const fromKey = mustBeValidKey(body.sourceKey)
  const toKey = mustBeValidKey(body.destinationKey)
  if (fromBucket === toBucket && fromKey === toKey) return json({ message: 'Successfully moved' })
  const owner = caller.owner
  const placed: { value?: Placement } = {}
  try {
    await scopeOf(context, caller)(async (tx) => {
      const moved = await tx`
        update storage.objects set
          bucket_id = ${toBucket}, name = ${toKey}, version = ${randomUUID()},
          owner = case when ${owner ?? null}::text is null then owner else ${isUuid(owner) ? owner : null}::uuid end,
          owner_id = coalesce(${owner ?? null}::text, owner_id)
        where bucket_id = ${fromBucket} and name = ${fromKey}
        returning id`
      if (moved.length === 0) throw errors.noSuchKey()
      placed.value = await context.store.move(fromBucket, fromKey, toBucket, toKey)
    })
    await placed.value?.commit()
  } catch (error) {
    await placed.value?.rollback()
    throw error
  }
  return json({ message: 'Successfully moved' })
}

const copyBody = z.object({
  bucketId: z.string(),
  sourceKey: z.string(),
  destinationKey: z.string(),
  destinationBucket: z.string().nullish(),
  copyMetadata: z.boolean().optional(),
  metadata: z.object({ cacheControl: z.string().optional(), mimetype: z.string().optional() }).optional(),
})

export async function copyObject(context: StorageContext, caller: Caller, req: Request): Promise<Response> {
  const body = await readBody(req, copyBody)
  const fromBucket = mustBeValidBucketName(body.bucketId)
  const toBucket = mustBeValidBucketName(body.destinationBucket || fromBucket)
  const fromKey = mustBeValidKey(body.sourceKey)
  const toKey = mustBeValidKey(body.destinationKey)
  const upsert = req.headers.get('x-upsert') === 'true'
  const scope = scopeOf(context, caller)
  const placed: { value?: Placement } = {}
  const staged: { path?: string } = {}
  try {
    const id = await scope(async (tx) => {
      const [source] = await tx<ObjectRow[]>`
        select metadata, user_metadata from storage.objects where bucket_id = ${fromBucket} and name = ${fromKey}`
      if (!source) throw errors.noSuchKey()
      const metadata: ObjectMetadata = { ...(source.metadata ?? {}) }
      if (body.copyMetadata === false) {
        delete metadata.cacheControl
        delete metadata.mimetype
        if (body.metadata?.cacheControl !== undefined) metadata.cacheControl = body.metadata.cacheControl
        if (body.metadata?.mimetype !== undefined) metadata.mimetype = body.metadata.mimetype
      }
      metadata.lastModified = new Date().toISOString()
      staged.path = (await context.store.stageCopy(fromBucket, fromKey)) ?? undefined
      if (!staged.path) throw errors.noSuchKey()
      const objectId = await writeObjectRow(tx, {
        id: randomUUID(),
        version: randomUUID(),
        bucketId: toBucket,
        key: toKey,
        owner: caller.owner,
        metadata,
        userMetadata: source.user_metadata,
        upsert,
      })
      placed.value = await context.store.place(staged.path, toBucket, toKey)
      return objectId
    })
    await placed.value?.commit()
    return json({ Id: id, Key: `${toBucket}/${toKey}` })
  } catch (error) {
    await placed.value?.rollback()
    throw asKeyAlreadyExists(error)
  } finally {
    if (staged.path) await fs.rm(staged.path, { force: true })
  }
}
