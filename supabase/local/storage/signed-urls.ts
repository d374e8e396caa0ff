// Signed URLs, as storage-api issues and honours them: creating one requires the caller to
// see the object (or, for uploads, to be allowed to create it); using one requires only
// the token, so it works from a browser link with no headers at all.
import { z } from 'zod'
import { json } from '../http.ts'
import type { Caller } from './caller.ts'
import { readBody, scopeOf, superuser, type StorageContext } from './context.ts'
import { errors } from './errors.ts'
import { findObject, uploadObject } from './objects.ts'
import { mustBeValidBucketName, mustBeValidKey } from './object-keys.ts'
import { testPermission } from './scoped-sql.ts'
import { serveStoredObject } from './serve-object.ts'

/** storage-api's default lifetime of a signed upload URL. */
const SIGNED_UPLOAD_EXPIRES_IN = 2 * 60 * 60

const expiresIn = z.number({ error: 'expiresIn must be a number of seconds' }).int().min(1)

export async function createSignedUrl(context: StorageContext, caller: Caller, bucketId: string, key: string, req: Request) {
  const body = await readBody(req, z.object({ expiresIn }))
  await findObject(scopeOf(context, caller), bucketId, key)
  const token = await context.signer.sign({ url: `${bucketId}/${key}`, scope: 'download' }, body.expiresIn)
  return json({ signedURL: `/object/sign/${bucketId}/${key}?token=${token}` })
}

export async function createSignedUrls(context: StorageContext, caller: Caller, bucketId: string, req: Request) {
  mustBeValidBucketName(bucketId)
  const body = await readBody(req, z.object({ expiresIn, paths: z.array(z.string()).min(1).max(1000) }))
  const visible = await scopeOf(context, caller)(
    (tx) => tx<{ name: string }[]>`
      select name from storage.objects where bucket_id = ${bucketId} and name = any(${body.paths}::text[])`,
  )
  const names = new Set(visible.map((row) => row.name))
  const results = await Promise.all(
    body.paths.map(async (path) => {
      if (!names.has(path)) {
        return { error: 'Either the object does not exist or you do not have access to it', path, signedURL: null }
      }
      const token = await context.signer.sign({ url: `${bucketId}/${path}`, scope: 'download' }, body.expiresIn)
      return { error: null, path, signedURL: `/object/sign/${bucketId}/${path}?token=${token}` }
    }),
  )
  return json(results)
}

/** GET /object/sign/:bucket/*path?token=…: the token alone authorises the download. */
export async function downloadSignedObject(context: StorageContext, req: Request, bucketId: string, key: string) {
  const token = new URL(req.url).searchParams.get('token')
  if (!token) throw errors.missingParameter('token')
  const { exp } = await context.signer.verify(token, `${mustBeValidBucketName(bucketId)}/${mustBeValidKey(key)}`, 'download')
  const row = await findObject(superuser(context), bucketId, key)
  return serveStoredObject(req, row, await context.store.open(bucketId, key), {
    expires: new Date(exp * 1000).toUTCString(),
  })
}

/** POST /object/upload/sign/:bucket/*path: only for a caller RLS lets create the object. */
export async function createSignedUploadUrl(context: StorageContext, caller: Caller, bucketId: string, key: string, req: Request) {
  mustBeValidBucketName(bucketId)
  mustBeValidKey(key)
  const upsert = req.headers.get('x-upsert') === 'true'
  await testPermission(scopeOf(context, caller), (tx) =>
    upsert
      ? tx`insert into storage.objects (bucket_id, name, owner_id) values (${bucketId}, ${key}, ${caller.owner ?? null})
           on conflict (bucket_id, name) do update set owner_id = excluded.owner_id`
      : tx`insert into storage.objects (bucket_id, name, owner_id) values (${bucketId}, ${key}, ${caller.owner ?? null})`,
  ).catch((error: unknown) => {
    if ((error as { body?: { code?: string } }).body?.code === 'ResourceAlreadyExists') throw errors.keyAlreadyExists()
    throw error
  })
  const token = await context.signer.sign(
    { url: `${bucketId}/${key}`, scope: 'upload', owner: caller.owner, upsert },
    SIGNED_UPLOAD_EXPIRES_IN,
  )
  return json({ url: `/object/upload/sign/${bucketId}/${key}?token=${token}`, token })
}

/** PUT /object/upload/sign/:bucket/*path?token=…: uploads as the signer, whoever sends it. */
export async function uploadToSignedUrl(context: StorageContext, req: Request, bucketId: string, key: string) {
  const token = new URL(req.url).searchParams.get('token')
  if (!token) throw errors.missingParameter('token')
  const claims = await context.signer.verify(token, `${mustBeValidBucketName(bucketId)}/${mustBeValidKey(key)}`, 'upload')
  const result = await uploadObject(context, req, {
    bucketId,
    key,
    scope: superuser(context),
    owner: claims.owner,
    upsert: claims.upsert === true,
  })
  return json({ Id: result.Id, Key: result.Key })
}
