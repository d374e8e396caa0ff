// /storage/v1: the Storage API subset storage-js (@supabase/storage-js 2.x) calls, served
// like supabase/storage-api: buckets and objects in the `storage` schema (bootstrap
// 30-storage.sql), every statement run as the caller so the project's RLS policies decide,
// bytes under `<stateDir>/storage/<bucket>/<key>`. Routes are matched the way storage-api's
// are (static segments before bucket names); anything else is a 501 naming the endpoint.
import path from 'node:path'
import { notImplemented } from '../gateway.ts'
import { json } from '../http.ts'
import type { ServiceContext, StackService } from '../service.ts'
import { readProjectConfig, DEFAULT_CONFIG_FILE } from '../project-config.ts'
import { createBucket, deleteBucket, emptyBucket, getBucket, listBuckets, updateBucket } from './buckets.ts'
import { createCallerResolver } from './caller.ts'
import { scopeOf, superuser, type StorageContext } from './context.ts'
import { createFileStore } from './file-store.ts'
import { keyFromSegments } from './object-keys.ts'
import {
  copyObject,
  downloadObject,
  downloadPublicObject,
  listObjects,
  mustBePublicBucket,
  moveObject,
  objectInfo,
  removeObject,
  removeObjects,
  uploadObject,
} from './objects.ts'
import { createUrlSigner } from './signed-tokens.ts'
import {
  createSignedUploadUrl,
  createSignedUrl,
  createSignedUrls,
  downloadSignedObject,
  uploadToSignedUrl,
} from './signed-urls.ts'

const PREFIX = '/storage/v1'

export type StorageServiceOptions = {
  /** supabase/config.toml to read `[storage] file_size_limit` from. */
  configFile?: string
}

export function createStorageService(context: ServiceContext, options: StorageServiceOptions = {}): StackService {
  const projectConfig = readProjectConfig(options.configFile ?? DEFAULT_CONFIG_FILE)
  const storage: StorageContext = {
    sql: context.sql,
    resolveCaller: createCallerResolver(context.keys),
    signer: createUrlSigner(context.keys),
    store: createFileStore(storageRoot(context.config.stateDir), path.join(context.config.stateDir, 'storage-staging')),
    globalFileSizeLimit: projectConfig.storageFileSizeLimit,
  }
  return { prefix: PREFIX, handle: (req) => route(storage, req) }
}

async function route(storage: StorageContext, req: Request): Promise<Response> {
  const url = new URL(req.url)
  const segments = url.pathname.slice(PREFIX.length).split('/').slice(1)
  const method = req.method === 'HEAD' ? 'GET' : req.method
  const [area, ...rest] = segments

  if (area === 'bucket') return routeBucket(storage, req, method, url, rest)
  if (area === 'object' && rest.length > 0) {
    const [first, second, ...tail] = rest
    const decode = (parts: string[]) => keyFromSegments(parts)

    // Routes authorised by the URL alone (public buckets, signed tokens): no API key needed.
    if (method === 'GET' && first === 'public' && rest.length >= 3) {
      return downloadPublicObject(storage, req, superuser(storage), decode([second]), decode(tail))
    }
    if (method === 'GET' && first === 'info' && second === 'public' && tail.length >= 2) {
      const [bucket, ...key] = tail
      await mustBePublicBucket(superuser(storage), decode([bucket]))
      return objectInfo(superuser(storage), decode([bucket]), decode(key))
    }
    if (method === 'GET' && first === 'sign' && rest.length >= 3) {
      return downloadSignedObject(storage, req, decode([second]), decode(tail))
    }
    if (method === 'PUT' && first === 'upload' && second === 'sign' && tail.length >= 2) {
      const [bucket, ...key] = tail
      return uploadToSignedUrl(storage, req, decode([bucket]), decode(key))
    }

    const caller = await storage.resolveCaller(req)
    const asCaller = scopeOf(storage, caller)
    if (method === 'POST' && first === 'list' && rest.length === 2) return listObjects(storage, caller, decode([second]), req)
    if (method === 'POST' && first === 'move' && rest.length === 1) return moveObject(storage, caller, req)
    if (method === 'POST' && first === 'copy' && rest.length === 1) return copyObject(storage, caller, req)
    if (method === 'POST' && first === 'sign' && rest.length === 2) return createSignedUrls(storage, caller, decode([second]), req)
    if (method === 'POST' && first === 'sign' && rest.length >= 3) {
      return createSignedUrl(storage, caller, decode([second]), decode(tail), req)
    }
    if (method === 'POST' && first === 'upload' && second === 'sign' && tail.length >= 2) {
      const [bucket, ...key] = tail
      return createSignedUploadUrl(storage, caller, decode([bucket]), decode(key), req)
    }
    if (method === 'GET' && first === 'info') {
      const [bucket, ...key] = second === 'authenticated' ? tail : [second, ...tail]
      if (bucket !== undefined && key.length > 0) return objectInfo(asCaller, decode([bucket]), decode(key))
    }
    if (method === 'GET' && first === 'authenticated' && rest.length >= 3) {
      return downloadObject(storage, req, asCaller, decode([second]), decode(tail))
    }
    if (rest.length === 1 && method === 'DELETE') return removeObjects(storage, caller, decode([first]), req)
    if (rest.length >= 2) {
      const bucket = decode([first])
      const key = decode(rest.slice(1))
      if (method === 'GET') return downloadObject(storage, req, asCaller, bucket, key)
      if (method === 'DELETE') return removeObject(storage, caller, superuser(storage), bucket, key)
      if (method === 'POST' || method === 'PUT') {
        const upsert = method === 'PUT' || req.headers.get('x-upsert') === 'true'
        const result = await uploadObject(storage, req, { bucketId: bucket, key, scope: asCaller, owner: caller.owner, upsert })
        return json(result)
      }
    }
  }
  return notImplemented(req.method, url.pathname)
}

async function routeBucket(storage: StorageContext, req: Request, method: string, url: URL, rest: string[]): Promise<Response> {
  const caller = await storage.resolveCaller(req)
  const [id, action] = rest.map((segment) => keyFromSegments([segment]))
  if (rest.length === 0 || (rest.length === 1 && id === '')) {
    if (method === 'GET') return listBuckets(storage, caller, url)
    if (method === 'POST') return createBucket(storage, caller, req)
  }
  if (rest.length === 1 && id) {
    if (method === 'GET') return getBucket(storage, caller, id)
    if (method === 'PUT') return updateBucket(storage, caller, id, req)
    if (method === 'DELETE') return deleteBucket(storage, caller, id)
  }
  if (rest.length === 2 && id && action === 'empty' && method === 'POST') return emptyBucket(storage, caller, id)
  return notImplemented(req.method, url.pathname)
}

/** Where object bytes live: `<storageRoot>/<bucket>/<key>`. */
export function storageRoot(stateDir: string): string {
  return path.join(stateDir, 'storage')
}
