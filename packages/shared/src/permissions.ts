import { Type, type Static } from 'typebox'

/**
 * What a person may do, by name: each API route that needs more than a sign-in declares
 * the permission it belongs to, and a person holds a permission when their roles pass
 * the rule of every route that declares it. The server derives the list from its own
 * route rules (`GET /api/me/permissions`); the app shows or hides controls by it.
 */
export const Permission = Type.Union([
  /** The user list (`GET /api/users`). */
  Type.Literal('users.read'),
  /** Creating, changing, disabling, enabling, resetting and deleting users. */
  Type.Literal('users.write'),
  /** The audit log and its summary. */
  Type.Literal('audit.read'),
])
export type Permission = Static<typeof Permission>

/** `GET /api/me/permissions`. */
export const MyPermissions = Type.Object({ permissions: Type.Array(Permission) }, { additionalProperties: false })
export type MyPermissions = Static<typeof MyPermissions>
