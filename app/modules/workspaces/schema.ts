import { z } from 'zod'
import { NAME_MAX } from '~/modules/auth/schema.ts'

export const WorkspaceNameSchema = z
  .string()
  .trim()
  .min(1, { error: 'validation.nameRequired' })
  .max(NAME_MAX, { error: 'validation.nameMax' })

export const WorkspaceFormSchema = z.object({ name: WorkspaceNameSchema })
export const WorkspaceIdSchema = z.uuid()

export const ROLES = ['owner', 'admin', 'writer'] as const
export type Role = (typeof ROLES)[number]
export const canManageWorkspace = (role: Role) => role === 'owner' || role === 'admin'
