import { z } from 'zod'
import { NameSchema } from '~/modules/auth/schema.ts'

export const WorkspaceNameSchema = NameSchema

export const WorkspaceFormSchema = z.object({ name: WorkspaceNameSchema })
export const WorkspaceIdSchema = z.uuid()

export const ROLES = ['owner', 'admin', 'writer'] as const
export type Role = (typeof ROLES)[number]
export const canManageWorkspace = (role: Role) => role === 'owner' || role === 'admin'
