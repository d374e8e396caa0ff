// /bucket endpoints. Every statement runs as the caller, so without a policy on
// storage.buckets only the service role sees or changes buckets, as on Supabase.
import { z } from 'zod'
import { json } from '../http.ts'
import type { Caller } from './caller.ts'
import { readBody, scopeOf, superuser, type StorageContext } from './context.ts'
import { errors } from './errors.ts'
import { mustBeAllowedMimeTypeListOrNull, parseBucketLimitOrNull } from './limits.ts'
import { mustBeValidBucketName } from './object-keys.ts'

const BUCKET_COLUMNS = `id, name, owner, owner_id, public, file_size_limit::float8 as file_size_limit,
  allowed_mime_types, created_at, updated_at, type`

const SORT_COLUMNS = ['id', 'name', 'created_at', 'updated_at'] as const

export async function listBuckets(context: StorageContext, caller: Caller, url: URL): Promise<Response> {
  const params = url.searchParams
  const limit = optionalInt(params.get('limit'), 'limit')
  const offset = optionalInt(params.get('offset'), 'offset') ?? 0
  const sortColumn = (SORT_COLUMNS as readonly string[]).includes(params.get('sortColumn') ?? '')
    ? params.get('sortColumn')!
    : 'name'
  const sortOrder = params.get('sortOrder') === 'desc' ? 'desc' : 'asc'
  const search = params.get('search') ?? ''
  const rows = await scopeOf(context, caller)((tx) =>
    tx.unsafe(
      `select ${BUCKET_COLUMNS} from storage.buckets
       where ($1 = '' or name ilike '%' || $1 || '%')
       order by ${sortColumn} ${sortOrder}
       ${limit === undefined ? '' : `limit ${limit}`} offset ${offset}`,
      [search],
    ),
  )
  return json(rows)
}

export async function getBucket(context: StorageContext, caller: Caller, bucketId: string): Promise<Response> {
  const [bucket] = await scopeOf(context, caller)((tx) =>
    tx.unsafe(`select ${BUCKET_COLUMNS} from storage.buckets where id = $1`, [bucketId]),
  )
  if (!bucket) throw errors.noSuchBucket()
  return json(bucket)
}

const sizeLimit = z.union([z.number(), z.string(), z.null()]).optional()
const mimeTypes = z.array(z.string()).nullable().optional()

const createBucketBody = z.object({
  id: z.string().optional(),
  name: z.string({ error: 'name is required' }),
  public: z.boolean().optional(),
  file_size_limit: sizeLimit,
  allowed_mime_types: mimeTypes,
  type: z.enum(['STANDARD', 'ANALYTICS', 'VECTOR']).optional(),
})

export async function createBucket(context: StorageContext, caller: Caller, req: Request): Promise<Response> {
  const body = await readBody(req, createBucketBody)
  const name = mustBeValidBucketName(body.name)
  const id = mustBeValidBucketName(body.id || name)
  if (body.type && body.type !== 'STANDARD') throw errors.notSupported(`${body.type} buckets`)
  const fileSizeLimit = parseBucketLimitOrNull(body.file_size_limit, context.globalFileSizeLimit)
  const allowed = mustBeAllowedMimeTypeListOrNull(body.allowed_mime_types)
  const owner = isUuid(caller.owner) ? caller.owner : null
  try {
    await scopeOf(context, caller)(
      (tx) => tx`
        insert into storage.buckets (id, name, owner, owner_id, public, file_size_limit, allowed_mime_types)
        values (${id}, ${name}, ${owner}, ${caller.owner ?? null}, ${body.public ?? false},
                ${fileSizeLimit ?? null}, ${allowed ?? null})`,
    )
  } catch (error) {
    if ((error as { body?: { code?: string } }).body?.code === 'ResourceAlreadyExists') throw errors.bucketAlreadyExists()
    throw error
  }
  return json({ name })
}

const updateBucketBody = z.object({
  public: z.boolean().optional(),
  file_size_limit: sizeLimit,
  allowed_mime_types: mimeTypes,
})

export async function updateBucket(context: StorageContext, caller: Caller, bucketId: string, req: Request): Promise<Response> {
  mustBeValidBucketName(bucketId)
  const body = await readBody(req, updateBucketBody)
  if (body.public === undefined && body.file_size_limit === undefined && body.allowed_mime_types === undefined) {
    throw errors.invalidRequest('No content provided')
  }
  const fileSizeLimit = parseBucketLimitOrNull(body.file_size_limit, context.globalFileSizeLimit)
  const allowed = mustBeAllowedMimeTypeListOrNull(body.allowed_mime_types)
  const updated = await scopeOf(context, caller)(
    (tx) => tx`
      update storage.buckets set
        public = coalesce(${body.public ?? null}::boolean, public),
        file_size_limit = case when ${body.file_size_limit !== undefined}::boolean then ${fileSizeLimit ?? null}::bigint else file_size_limit end,
        allowed_mime_types = case when ${body.allowed_mime_types !== undefined}::boolean then ${allowed ?? null}::text[] else allowed_mime_types end,
        updated_at = now()
      where id = ${bucketId}
      returning id`,
  )
  if (updated.length === 0) throw errors.noSuchBucket()
  return json({ message: 'Successfully updated' })
}

export async function deleteBucket(context: StorageContext, caller: Caller, bucketId: string): Promise<Response> {
  mustBeValidBucketName(bucketId)
  const [usage] = await superuser(context)(
    (tx) => tx<{ objects: number }[]>`
      select (select count(*) from (select 1 from storage.objects where bucket_id = ${bucketId} limit 1) o)::int as objects
      from storage.buckets where id = ${bucketId}`,
  )
  if (!usage) throw errors.noSuchBucket()
  if (usage.objects > 0) throw errors.bucketNotEmpty()
  const deleted = await scopeOf(context, caller)((tx) => tx`delete from storage.buckets where id = ${bucketId} returning id`)
  if (deleted.length === 0) throw errors.noSuchBucket()
  await context.store.removeBucket(bucketId)
  return json({ message: 'Successfully deleted' })
}

/** Removes every object the caller may delete (RLS on storage.objects decides which). */
export async function emptyBucket(context: StorageContext, caller: Caller, bucketId: string): Promise<Response> {
  mustBeValidBucketName(bucketId)
  await scopeOf(context, caller)(async (tx) => {
    const [bucket] = await tx`select id from storage.buckets where id = ${bucketId}`
    if (!bucket) throw errors.noSuchBucket()
    const removed = await tx<{ name: string }[]>`delete from storage.objects where bucket_id = ${bucketId} returning name`
    for (const { name } of removed) await context.store.remove(bucketId, name)
  })
  return json({ message: 'Successfully emptied' })
}

function optionalInt(raw: string | null, name: string): number | undefined {
  if (raw === null || raw === '') return undefined
  const value = Number(raw)
  if (!Number.isInteger(value) || value < 0) throw errors.invalidRequest(`querystring/${name} must be a non-negative integer`)
  return value
}

export function isUuid(value: string | undefined): value is string {
  return !!value && /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(value)
}
