// Object bytes on disk: `<root>/<bucket>/<key>`. New bytes land in a staging folder first
// and are moved into place inside the database transaction that records the object, with
// the previous bytes kept aside until that transaction commits, so a failed upload never
// leaves a half-created or half-replaced object behind.
import { randomUUID } from 'node:crypto'
import fs from 'node:fs/promises'
import path from 'node:path'
import { errors, storageError } from './errors.ts'
import { mustBeValidBucketName, mustBeValidKey } from './object-keys.ts'

export type Placement = {
  /** The transaction committed: drop the bytes that were replaced. */
  commit(): Promise<void>
  /** The transaction failed: put everything back as it was. */
  rollback(): Promise<void>
}

export type StoredFile = { handle: fs.FileHandle; size: number; modifiedAt: Date }

export function createFileStore(root: string, stagingDir: string) {
  function bucketDir(bucket: string): string {
    return path.join(root, mustBeValidBucketName(bucket))
  }

  function objectPath(bucket: string, key: string): string {
    const dir = bucketDir(bucket)
    const file = path.resolve(dir, mustBeValidKey(key))
    // Defence in depth: key validation already rules this out.
    if (!file.startsWith(dir + path.sep)) throw errors.invalidKey(key, 'the path leaves its bucket')
    return file
  }

  async function stagingPath(): Promise<string> {
    await fs.mkdir(stagingDir, { recursive: true })
    return path.join(stagingDir, randomUUID())
  }

  /** Moves staged bytes to the object's path; the previous bytes wait aside for commit. */
  async function place(staged: string, bucket: string, key: string): Promise<Placement> {
    const target = objectPath(bucket, key)
    try {
      await fs.mkdir(path.dirname(target), { recursive: true })
    } catch (error) {
      throw pathConflict(key, error)
    }
    let previous: string | null = null
    try {
      const stat = await fs.lstat(target)
      if (!stat.isFile()) throw pathConflict(key)
      previous = await stagingPath()
      await fs.rename(target, previous)
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error
    }
    try {
      await fs.rename(staged, target)
    } catch (error) {
      if (previous) await fs.rename(previous, target)
      throw pathConflict(key, error)
    }
    return {
      async commit() {
        if (previous) await fs.rm(previous, { force: true })
      },
      async rollback() {
        await fs.rm(target, { force: true })
        if (previous) await fs.rename(previous, target)
        else await pruneEmptyDirs(path.dirname(target), bucketDir(bucket))
      },
    }
  }

  async function open(bucket: string, key: string): Promise<StoredFile | null> {
    try {
      const handle = await fs.open(objectPath(bucket, key), 'r')
      const stat = await handle.stat()
      if (!stat.isFile()) {
        await handle.close()
        return null
      }
      return { handle, size: stat.size, modifiedAt: stat.mtime }
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code
      if (code === 'ENOENT' || code === 'ENOTDIR' || code === 'EISDIR') return null
      throw error
    }
  }

  async function remove(bucket: string, key: string): Promise<void> {
    const file = objectPath(bucket, key)
    await fs.rm(file, { force: true })
    await pruneEmptyDirs(path.dirname(file), bucketDir(bucket))
  }

  /** Copies an object's bytes into the staging folder (to be placed by `place`). */
  async function stageCopy(bucket: string, key: string): Promise<string | null> {
    const staged = await stagingPath()
    try {
      await fs.copyFile(objectPath(bucket, key), staged)
      return staged
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null
      throw error
    }
  }

  /** Moves an object's bytes to a new key; undone by `rollback` if the transaction fails. */
  async function move(fromBucket: string, fromKey: string, toBucket: string, toKey: string): Promise<Placement> {
    const from = objectPath(fromBucket, fromKey)
    try {
      await fs.access(from)
    } catch {
      // A row without bytes (e.g. inserted by SQL): nothing to move.
      return { commit: async () => {}, rollback: async () => {} }
    }
    const staged = await stagingPath()
    await fs.rename(from, staged)
    let placement: Placement
    try {
      placement = await place(staged, toBucket, toKey)
    } catch (error) {
      await fs.rename(staged, from)
      throw error
    }
    const to = objectPath(toBucket, toKey)
    return {
      async commit() {
        await placement.commit()
        await pruneEmptyDirs(path.dirname(from), bucketDir(fromBucket))
      },
      async rollback() {
        await fs.mkdir(path.dirname(from), { recursive: true })
        await fs.rename(to, from)
        await placement.rollback()
      },
    }
  }

  async function removeBucket(bucket: string): Promise<void> {
    await fs.rm(bucketDir(bucket), { recursive: true, force: true })
  }

  return { objectPath, stagingPath, place, move, open, remove, stageCopy, removeBucket }
}

export type FileStore = ReturnType<typeof createFileStore>

async function pruneEmptyDirs(dir: string, stopAt: string): Promise<void> {
  while (dir.startsWith(stopAt + path.sep)) {
    try {
      await fs.rmdir(dir)
    } catch {
      return
    }
    dir = path.dirname(dir)
  }
}

function pathConflict(key: string, cause?: unknown) {
  const code = (cause as NodeJS.ErrnoException | undefined)?.code
  if (cause && code !== 'EEXIST' && code !== 'ENOTDIR' && code !== 'EISDIR' && code !== 'ENOTEMPTY') return cause
  return storageError(
    409,
    'KeyAlreadyExists',
    `The key ${key} clashes with a folder or file of the same name on the local stack's disk`,
    { error: 'Duplicate' },
  )
}
