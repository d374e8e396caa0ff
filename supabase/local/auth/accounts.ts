// Creating email accounts the way GoTrue's signupNewUser + createNewIdentity do, inside
// the caller's transaction so the user row, its identity and any trigger on auth.users
// (the app creates a profile and a personal workspace there) commit together.
import { randomUUID } from 'node:crypto'
import type postgres from 'postgres'
import { AuthApiError, internalError } from './errors.ts'
import {
  DEFAULT_AUD,
  DEFAULT_ROLE,
  findUserById,
  identityClaims,
  insertIdentity,
  insertUser,
  refreshProviders,
  updateUserMetadata,
  userJson,
  type UserRow,
} from './users.ts'

type Db = postgres.ISql

export type NewEmailAccount = {
  email: string
  password: string | null
  data: Record<string, unknown>
  aud?: string
  role?: string
  id?: string
  /**
   * Sign-up (and magic-link sign-up) copy the metadata into the identity and then make the
   * identity data the user's metadata (GoTrue's RemoveUnconfirmedIdentities); admin-created
   * and invited users keep the metadata they were given.
   */
  metadataFromIdentity: boolean
}

export async function createEmailAccount(db: Db, input: NewEmailAccount): Promise<UserRow> {
  let id: string
  try {
    id = await insertUser(db, {
      id: input.id,
      email: input.email,
      password: input.password,
      aud: input.aud ?? DEFAULT_AUD,
      role: input.role ?? DEFAULT_ROLE,
      userMetadata: input.data,
      appMetadata: { provider: 'email', providers: ['email'] },
    })
  } catch (error) {
    throw databaseError('Database error saving new user', error)
  }
  // Triggers may have changed the row; read it back as GoTrue does.
  const user = await findUserById(db, id)
  if (!user) throw internalError('Database error loading user after sign-up')
  const claims: Record<string, unknown> = identityClaims(user.id, user.email ?? '')
  if (input.metadataFromIdentity) {
    for (const [key, value] of Object.entries(input.data)) if (!(key in claims)) claims[key] = value
  }
  try {
    await insertIdentity(db, user.id, 'email', claims)
  } catch (error) {
    throw databaseError('Error creating identity', error)
  }
  if (input.metadataFromIdentity) {
    user.raw_user_meta_data = {}
    await updateUserMetadata(db, user, claims)
    await refreshProviders(db, user)
  }
  return user
}

function databaseError(message: string, error: unknown): AuthApiError {
  if (error instanceof AuthApiError) return error
  return internalError(message, error)
}

/**
 * GoTrue's sanitizeUser: what a sign-up for an already confirmed address answers, so the
 * response does not reveal that the address is registered.
 */
export function obfuscatedUser(user: UserRow, data: Record<string, unknown>, aud: string) {
  const now = new Date()
  return userJson(
    {
      ...user,
      id: randomUUID(),
      role: '',
      email_change: '',
      created_at: now,
      updated_at: now,
      confirmation_sent_at: now,
      last_sign_in_at: null,
      confirmed_at: null,
      email_change_sent_at: null,
      email_confirmed_at: null,
      phone_confirmed_at: null,
      raw_user_meta_data: data,
      aud,
      raw_app_meta_data: { provider: 'email', providers: ['email'] },
      phone: '',
    },
    [],
  )
}
