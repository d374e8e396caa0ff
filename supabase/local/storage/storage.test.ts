// The storage stand-in, driven through supabase-js exactly as the app drives Storage: the
// project's RLS policies on storage.objects decide what each caller may do, files land on
// disk only for accepted rows, and limits and signed URLs behave like storage-api.
import { randomUUID } from 'node:crypto'
import fs from 'node:fs/promises'
import path from 'node:path'
import { createClient, StorageApiError, type SupabaseClient } from '@supabase/supabase-js'
import { importJWK, SignJWT } from 'jose'
import postgres from 'postgres'
import { inject } from 'vitest'
import type { StackKeys } from '../keys.ts'
import { storageRoot } from './service.ts'
import { createTestUser, mintAccessToken, type TestUser } from './test-tokens.ts'

const env = inject('stackEnv')
const { SUPABASE_URL, SUPABASE_ANON_KEY, SUPABASE_SERVICE_ROLE_KEY, STACK_STATE_DIR } = env
const sql = postgres(env.SUPABASE_DB_URL, { prepare: false, max: 2, onnotice: () => {} })

function clientFor(accessToken?: string): SupabaseClient {
  return createClient(SUPABASE_URL, SUPABASE_ANON_KEY, {
    auth: { persistSession: false, autoRefreshToken: false },
    global: accessToken ? { headers: { Authorization: `Bearer ${accessToken}` } } : {},
  })
}

const service = createClient(SUPABASE_URL, SUPABASE_SERVICE_ROLE_KEY, { auth: { persistSession: false } })
const anon = clientFor()

function storageError(error: unknown): StorageApiError {
  expect(error).toBeInstanceOf(StorageApiError)
  return error as StorageApiError
}

async function fileOnDisk(bucket: string, key: string): Promise<boolean> {
  return fs
    .access(path.join(storageRoot(STACK_STATE_DIR), bucket, key))
    .then(() => true)
    .catch(() => false)
}

async function objectRows(bucket: string, key: string): Promise<number> {
  const [row] = await sql<{ n: number }[]>`select count(*)::int as n from storage.objects where bucket_id = ${bucket} and name = ${key}`
  return row.n
}

async function newBucket(options: { public?: boolean; fileSizeLimit?: number | string; allowedMimeTypes?: string[] } = {}) {
  const id = `test-${randomUUID().slice(0, 8)}`
  const { error } = await service.storage.createBucket(id, { public: options.public ?? false, ...options })
  expect(error).toBeNull()
  return id
}

async function dropBucket(id: string) {
  await service.storage.emptyBucket(id)
  await service.storage.deleteBucket(id)
}

afterAll(async () => {
  await sql.end({ timeout: 1 })
})

describe('storage buckets', () => {
  it('lets the service role create, read, update and delete a bucket', async () => {
    const id = `test-${randomUUID().slice(0, 8)}`
    expect((await service.storage.createBucket(id, { public: false, fileSizeLimit: '1MB' })).data).toEqual({ name: id })
    const { data: bucket } = await service.storage.getBucket(id)
    expect(bucket).toMatchObject({ id, name: id, public: false, file_size_limit: 1_000_000 })
    expect((await service.storage.listBuckets()).data?.map((b) => b.id)).toContain(id)
    expect((await service.storage.updateBucket(id, { public: true })).error).toBeNull()
    expect((await service.storage.getBucket(id)).data?.public).toBe(true)
    expect((await service.storage.deleteBucket(id)).error).toBeNull()
    expect(storageError((await service.storage.getBucket(id)).error).statusCode).toBe('404')
  })

  it('keeps buckets from users and anon when no policy allows them', async () => {
    const id = await newBucket()
    const user = await createTestUser(sql, 'Bucketless')
    const asUser = clientFor(user.accessToken)
    const created = storageError((await asUser.storage.createBucket(`test-${randomUUID().slice(0, 8)}`)).error)
    expect(created.statusCode).toBe('403')
    expect(created.message).toBe('new row violates row-level security policy')
    expect((await asUser.storage.listBuckets()).data).toEqual([])
    expect(storageError((await anon.storage.getBucket(id)).error).statusCode).toBe('404')
    await dropBucket(id)
  })

  it('refuses a bucket limit above the project limit in config.toml', async () => {
    const { error } = await service.storage.createBucket(`test-${randomUUID().slice(0, 8)}`, { public: false, fileSizeLimit: '1GB' })
    expect(storageError(error).statusCode).toBe('413')
    expect(error?.message).toContain('supabase/config.toml')
  })

  it('will not delete a bucket that still holds objects', async () => {
    const id = await newBucket()
    await service.storage.from(id).upload('kept.txt', 'still here')
    expect(storageError((await service.storage.deleteBucket(id)).error).statusCode).toBe('409')
    await dropBucket(id)
  })
})

describe('storage objects under RLS policies written by the project', () => {
  let bucket: string
  let alice: TestUser
  let bob: TestUser
  const policies: string[] = []

  beforeAll(async () => {
    bucket = await newBucket()
    alice = await createTestUser(sql, 'Alice')
    bob = await createTestUser(sql, 'Bob')
    // The usual Supabase policy: each user owns the folder named after their id.
    const ownFolder = `bucket_id = '${bucket}' and (storage.foldername(name))[1] = (select auth.uid())::text`
    for (const [action, clause] of [
      ['select', `using (${ownFolder})`],
      ['insert', `with check (${ownFolder})`],
      ['update', `using (${ownFolder}) with check (${ownFolder})`],
      ['delete', `using (${ownFolder})`],
    ]) {
      const name = `${bucket} ${action} own folder`
      policies.push(name)
      await sql.unsafe(`create policy "${name}" on storage.objects for ${action} to authenticated ${clause}`)
    }
  })

  afterAll(async () => {
    for (const name of policies) await sql.unsafe(`drop policy if exists "${name}" on storage.objects`)
    await dropBucket(bucket)
  })

  it('lets a user upload to and download from their own folder', async () => {
    const asAlice = clientFor(alice.accessToken)
    const key = `${alice.id}/chapter-1.md`
    const upload = await asAlice.storage.from(bucket).upload(key, '# Capítulo 1', { contentType: 'text/markdown' })
    expect(upload.error).toBeNull()
    expect(upload.data).toMatchObject({ path: key, fullPath: `${bucket}/${key}` })
    const { data: blob } = await asAlice.storage.from(bucket).download(key)
    expect(await blob?.text()).toBe('# Capítulo 1')
    expect(blob?.type).toBe('text/markdown')
    const [row] = await sql`select owner_id, metadata from storage.objects where bucket_id = ${bucket} and name = ${key}`
    expect(row.owner_id).toBe(alice.id)
    expect(row.metadata).toMatchObject({ mimetype: 'text/markdown', size: Buffer.byteLength('# Capítulo 1') })
  })

  it('uploads a Blob as a multipart form, as the browser does', async () => {
    const asAlice = clientFor(alice.accessToken)
    const key = `${alice.id}/cover.png`
    const bytes = new Uint8Array([137, 80, 78, 71, 1, 2, 3])
    const { error } = await asAlice.storage.from(bucket).upload(key, new Blob([bytes], { type: 'image/png' }))
    expect(error).toBeNull()
    const { data: info } = await asAlice.storage.from(bucket).info(key)
    expect(info).toMatchObject({ name: key, size: 7, contentType: 'image/png', bucketId: bucket })
    const { data: blob } = await asAlice.storage.from(bucket).download(key)
    expect(new Uint8Array(await blob!.arrayBuffer())).toEqual(bytes)
  })

  it('refuses an upload into someone else\'s folder and leaves no file behind', async () => {
    const asBob = clientFor(bob.accessToken)
    const key = `${alice.id}/forged.md`
    const { error } = await asBob.storage.from(bucket).upload(key, 'not yours')
    const refused = storageError(error)
    expect(refused.statusCode).toBe('403')
    expect(refused.message).toBe('new row violates row-level security policy')
    expect(await objectRows(bucket, key)).toBe(0)
    expect(await fileOnDisk(bucket, key)).toBe(false)
  })

  it('hides a user\'s file from another user: no download, info, listing, signed URL or removal', async () => {
    const key = `${alice.id}/secret.md`
    expect((await clientFor(alice.accessToken).storage.from(bucket).upload(key, 'only for Alice')).error).toBeNull()
    const files = clientFor(bob.accessToken).storage.from(bucket)

    const download = storageError((await files.download(key)).error)
    expect(download.statusCode).toBe('404')
    expect(download.message).toBe('Object not found')
    expect(storageError((await files.info(key)).error).statusCode).toBe('404')
    expect((await files.list(alice.id)).data).toEqual([])
    expect(storageError((await files.createSignedUrl(key, 60)).error).statusCode).toBe('404')
    expect((await files.remove([key])).data).toEqual([])

    const { data: stillThere } = await clientFor(alice.accessToken).storage.from(bucket).download(key)
    expect(await stillThere?.text()).toBe('only for Alice')
    expect(await fileOnDisk(bucket, key)).toBe(true)
  })

  it('gives anon nothing: no download, no upload', async () => {
    const key = `${alice.id}/anon-probe.md`
    expect((await clientFor(alice.accessToken).storage.from(bucket).upload(key, 'x')).error).toBeNull()
    expect(storageError((await anon.storage.from(bucket).download(key)).error).statusCode).toBe('404')
    expect(storageError((await anon.storage.from(bucket).upload(`${alice.id}/anon.md`, 'x')).error).statusCode).toBe('403')
  })

  it('lists a folder one level deep, folders first', async () => {
    const files = clientFor(alice.accessToken).storage.from(bucket)
    const base = `${alice.id}/listing`
    for (const key of [`${base}/b.md`, `${base}/a.md`, `${base}/drafts/one.md`]) {
      expect((await files.upload(key, key)).error).toBeNull()
    }
    const { data } = await files.list(base)
    expect(data?.map((entry) => [entry.name, entry.id === null])).toEqual([
      ['drafts', true],
      ['a.md', false],
      ['b.md', false],
    ])
    expect((await files.list(base, { search: 'b' })).data?.map((entry) => entry.name)).toEqual(['b.md'])
  })

  it('replaces with upsert, refuses a duplicate without it, moves, copies and removes', async () => {
    const files = clientFor(alice.accessToken).storage.from(bucket)
    const key = `${alice.id}/versions/draft.md`
    expect((await files.upload(key, 'v1')).error).toBeNull()
    expect(storageError((await files.upload(key, 'v1 again')).error).statusCode).toBe('409')
    expect((await files.upload(key, 'v2', { upsert: true })).error).toBeNull()
    expect(await (await files.download(key)).data?.text()).toBe('v2')

    const moved = `${alice.id}/versions/final.md`
    expect((await files.move(key, moved)).error).toBeNull()
    expect(storageError((await files.download(key)).error).statusCode).toBe('404')
    expect(await fileOnDisk(bucket, key)).toBe(false)
    expect(await (await files.download(moved)).data?.text()).toBe('v2')

    const copied = `${alice.id}/versions/copy.md`
    expect((await files.copy(moved, copied)).data).toEqual({ path: `${bucket}/${copied}` })
    expect(await (await files.download(copied)).data?.text()).toBe('v2')
    // Moving into Bob's folder would create a row Alice's policy does not allow.
    expect(storageError((await files.move(copied, `${bob.id}/stolen.md`)).error).statusCode).toBe('403')

    const removed = await files.remove([moved, copied])
    expect(removed.data?.map((row) => row.name).sort()).toEqual([copied, moved].sort())
    expect(await fileOnDisk(bucket, moved)).toBe(false)
    expect(await objectRows(bucket, copied)).toBe(0)
  })

  it('serves a signed URL to anyone holding it, and refuses a tampered, expired or re-pointed one', async () => {
    const files = clientFor(alice.accessToken).storage.from(bucket)
    const key = `${alice.id}/export.epub`
    expect((await files.upload(key, 'epub bytes', { contentType: 'application/epub+zip' })).error).toBeNull()
    const { data } = await files.createSignedUrl(key, 60, { download: true })
    const signed = await fetch(data!.signedUrl)
    expect(signed.status).toBe(200)
    expect(await signed.text()).toBe('epub bytes')
    expect(signed.headers.get('content-disposition')).toContain('export.epub')

    const token = new URL(data!.signedUrl).searchParams.get('token')!
    const tampered = token.slice(0, -3) + (token.endsWith('AAA') ? 'BBB' : 'AAA')
    const tamperedResponse = await fetch(`${SUPABASE_URL}/storage/v1/object/sign/${bucket}/${key}?token=${tampered}`)
    expect(tamperedResponse.status).toBe(400)
    expect(await tamperedResponse.json()).toMatchObject({ statusCode: '400', error: 'InvalidJWT' })

    const keys = JSON.parse(await fs.readFile(path.join(STACK_STATE_DIR, 'keys.json'), 'utf8')) as StackKeys
    const past = Math.floor(Date.now() / 1000) - 120
    const expired = await new SignJWT({ url: `${bucket}/${key}`, scope: 'download' })
      .setProtectedHeader({ alg: 'ES256', kid: keys.kid })
      .setIssuedAt(past - 60)
      .setExpirationTime(past)
      .sign(await importJWK(keys.privateJwk, 'ES256'))
    const expiredResponse = await fetch(`${SUPABASE_URL}/storage/v1/object/sign/${bucket}/${key}?token=${expired}`)
    expect(expiredResponse.status).toBe(400)
    expect((await expiredResponse.json()).message).toContain('exp')

    const other = `${alice.id}/other.epub`
    expect((await files.upload(other, 'other bytes')).error).toBeNull()
    const repointed = await fetch(`${SUPABASE_URL}/storage/v1/object/sign/${bucket}/${other}?token=${token}`)
    expect(repointed.status).toBe(400)
    expect((await repointed.json()).error).toBe('InvalidSignature')

    const batch = await files.createSignedUrls([key, `${bob.id}/nothing.md`], 60)
    expect(batch.data?.map((entry) => entry.error === null)).toEqual([true, false])
  })

  it('uploads through a signed upload URL made for a path the user may write', async () => {
    const files = clientFor(alice.accessToken).storage.from(bucket)
    const key = `${alice.id}/via-signed-upload.md`
    const { data: ticket, error } = await files.createSignedUploadUrl(key)
    expect(error).toBeNull()
    expect((await anon.storage.from(bucket).uploadToSignedUrl(key, ticket!.token, 'sent with a ticket')).error).toBeNull()
    expect(await (await files.download(key)).data?.text()).toBe('sent with a ticket')
    expect(storageError((await clientFor(bob.accessToken).storage.from(bucket).createSignedUploadUrl(`${alice.id}/x.md`)).error).statusCode).toBe('403')
  })
})

describe('storage limits and safety', () => {
  it('refuses an upload over the bucket limit with 413, leaving no row and no file', async () => {
    const bucket = await newBucket({ fileSizeLimit: 1024 })
    const files = service.storage.from(bucket)
    const raw = storageError((await files.upload('big.bin', Buffer.alloc(2048, 1))).error)
    expect(raw.statusCode).toBe('413')
    expect(raw.message).toContain(`bucket "${bucket}"`)
    const form = storageError((await files.upload('big-form.bin', new Blob([Buffer.alloc(2048, 1)]))).error)
    expect(form.statusCode).toBe('413')
    for (const key of ['big.bin', 'big-form.bin']) {
      expect(await objectRows(bucket, key)).toBe(0)
      expect(await fileOnDisk(bucket, key)).toBe(false)
    }
    expect((await files.upload('small.bin', Buffer.alloc(1024, 1))).error).toBeNull()
    await dropBucket(bucket)
  })

  it('refuses a content type the bucket does not allow', async () => {
    const bucket = await newBucket({ allowedMimeTypes: ['image/*'] })
    const files = service.storage.from(bucket)
    expect(storageError((await files.upload('notes.txt', 'text', { contentType: 'text/plain' })).error).statusCode).toBe('415')
    expect((await files.upload('cover.webp', 'webp', { contentType: 'image/webp' })).error).toBeNull()
    await dropBucket(bucket)
  })

  it('refuses keys that would leave the bucket folder', async () => {
    const bucket = await newBucket()
    const before = await fs.readFile(path.join(STACK_STATE_DIR, 'keys.json'), 'utf8')
    // URL parsers fold literal and %2E dot segments before sending; what arrives is checked here.
    for (const key of ['..%2F..%2Fkeys.json', 'a%2F..%2F..%2F..%2Fkeys.json', 'nul%00byte', '%2Fetc%2Fpasswd', 'a//b']) {
      const response = await fetch(`${SUPABASE_URL}/storage/v1/object/${bucket}/${key}`, {
        method: 'POST',
        headers: { apikey: SUPABASE_SERVICE_ROLE_KEY, authorization: `Bearer ${SUPABASE_SERVICE_ROLE_KEY}`, 'content-type': 'text/plain' },
        body: 'overwritten',
      })
      expect(response.status, key).toBe(400)
      expect((await response.json()).error, key).toBe('InvalidKey')
    }
    const folded = await service.storage.from(bucket).upload('../../keys.json', 'overwritten')
    expect(folded.error).not.toBeNull()
    expect(await fs.readFile(path.join(STACK_STATE_DIR, 'keys.json'), 'utf8')).toBe(before)
    expect((await sql`select name from storage.objects where bucket_id = ${bucket}`).length).toBe(0)
    await dropBucket(bucket)
  })

  it('keeps the bytes of objects whose removal fails at commit', async () => {
    const bucket = await newBucket()
    const files = service.storage.from(bucket)
    const kept = ['one.txt', 'two.txt']
    for (const key of kept) expect((await files.upload(key, `bytes of ${key}`)).error).toBeNull()
    // A deferred check fails the transaction only at commit, after the rows were deleted.
    const trigger = `refuse_commit_${bucket.replaceAll('-', '_')}`
    await sql.unsafe(`
      create function public.${trigger}() returns trigger language plpgsql as $$
      begin raise exception 'removal refused at commit'; end $$;
      create constraint trigger ${trigger} after delete on storage.objects deferrable initially deferred
        for each row when (old.bucket_id = '${bucket}') execute function public.${trigger}();`)
    try {
      expect((await files.remove(kept)).error).not.toBeNull()
      const single = await fetch(`${SUPABASE_URL}/storage/v1/object/${bucket}/one.txt`, {
        method: 'DELETE',
        headers: { apikey: SUPABASE_SERVICE_ROLE_KEY, authorization: `Bearer ${SUPABASE_SERVICE_ROLE_KEY}` },
      })
      expect(single.ok).toBe(false)
    } finally {
      await sql.unsafe(`drop trigger ${trigger} on storage.objects; drop function public.${trigger}();`)
    }
    for (const key of kept) {
      expect(await objectRows(bucket, key), key).toBe(1)
      expect(await (await files.download(key)).data?.text(), key).toBe(`bytes of ${key}`)
    }
    await dropBucket(bucket)
  })

  it('answers a malformed percent-encoding in a key with 400 InvalidKey', async () => {
    const bucket = await newBucket()
    const response = await fetch(`${SUPABASE_URL}/storage/v1/object/${bucket}/a%E0%A4%A`, {
      headers: { apikey: SUPABASE_SERVICE_ROLE_KEY, authorization: `Bearer ${SUPABASE_SERVICE_ROLE_KEY}` },
    })
    expect(response.status).toBe(400)
    expect((await response.json()).error).toBe('InvalidKey')
    await dropBucket(bucket)
  })

  it('serves public buckets without credentials and keeps private ones closed', async () => {
    const open = await newBucket({ public: true })
    const closed = await newBucket()
    await service.storage.from(open).upload('hello.txt', 'hello')
    await service.storage.from(closed).upload('hello.txt', 'hello')
    const publicResponse = await fetch(service.storage.from(open).getPublicUrl('hello.txt').data.publicUrl)
    expect(await publicResponse.text()).toBe('hello')
    const closedResponse = await fetch(service.storage.from(closed).getPublicUrl('hello.txt').data.publicUrl)
    expect(closedResponse.status).toBe(400)
    expect((await closedResponse.json()).statusCode).toBe('404')
    await dropBucket(open)
    await dropBucket(closed)
  })

  it('asks for an API key and a valid token', async () => {
    const noKey = await fetch(`${SUPABASE_URL}/storage/v1/bucket`)
    expect(noKey.status).toBe(401)
    const user = await createTestUser(sql, 'Expired')
    const expired = await mintAccessToken(user, { expiresIn: -60 })
    const { error } = await clientFor(expired).storage.listBuckets()
    expect(storageError(error).statusCode).toBe('403')
    expect(error?.message).toContain('exp')
  })
})
