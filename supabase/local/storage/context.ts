// What the storage handlers share: the database as the caller or as the superuser, the
// file store, the URL signer, and the helpers that read requests the way storage-api does.
import type postgres from 'postgres'
import { z } from 'zod'
import { HttpError, readJsonObject } from '../http.ts'
import type { Caller } from './caller.ts'
import { errors, storageError } from './errors.ts'
import type { FileStore } from './file-store.ts'
import { callerScope, superuserScope, type Scope } from './scoped-sql.ts'
import type { UrlSigner } from './signed-tokens.ts'

export type StorageContext = {
  sql: postgres.Sql
  resolveCaller(req: Request): Promise<Caller>
  signer: UrlSigner
  store: FileStore
  /** `[storage] file_size_limit` from supabase/config.toml, in bytes. */
  globalFileSizeLimit: number
}

export type BucketRow = {
  id: string
  public: boolean | null
  file_size_limit: number | null
  allowed_mime_types: string[] | null
}

export function scopeOf(context: StorageContext, caller: Caller): Scope {
  return callerScope(context.sql, caller)
}

export function superuser(context: StorageContext): Scope {
  return superuserScope(context.sql)
}

/** The bucket's upload rules, read regardless of who asks (storage-api reads them as superuser). */
export async function findBucketForUpload(context: StorageContext, bucketId: string): Promise<BucketRow> {
  const [bucket] = await superuser(context)(
    (tx) => tx<BucketRow[]>`
      select id, public, file_size_limit::float8 as file_size_limit, allowed_mime_types
      from storage.buckets where id = ${bucketId}`,
  )
  if (!bucket) throw errors.noSuchBucket()
  return bucket
}

/** Parses a JSON body with a zod schema; any failure is a storage-api style 400 (or 413). */
export async function readBody<T extends z.ZodType>(req: Request, schema: T): Promise<z.infer<T>> {
  let body: Record<string, unknown>
  try {
    body = await readJsonObject(req)
  } catch (error) {
    if (error instanceof HttpError) {
      if (error.status === 413) throw errors.entityTooLarge(error.message)
      throw errors.invalidRequest(error.message)
    }
    throw error
  }
  const parsed = schema.safeParse(body)
  if (!parsed.success) {
    const issue = parsed.error.issues[0]
    const where = issue.path.length ? `body/${issue.path.join('/')}` : 'body'
    throw storageError(400, 'InvalidRequest', `${where}: ${issue.message}`)
  }
  return parsed.data
}
