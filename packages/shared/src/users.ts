import { Type, type Static } from 'typebox'
import { Password, Role, User, Username } from './user.js'

/** `GET /api/users` (role `admin`): every account. */
export const UserSummary = Type.Object(
  {
    ...User.properties,
    disabled: Type.Boolean(),
    createdAt: Type.String({ format: 'date-time' }),
    /** How many live sessions the user has. */
    sessions: Type.Integer({ minimum: 0 }),
  },
  { additionalProperties: false },
)
export type UserSummary = Static<typeof UserSummary>

export const UserList = Type.Object({ users: Type.Array(UserSummary) }, { additionalProperties: false })
export type UserList = Static<typeof UserList>

/** Path ids arrive as text; digits only, no sign, no leading zero. */
export const UserIdParams = Type.Object(
  { id: Type.String({ pattern: '^[1-9][0-9]{0,14}$' }) },
  { additionalProperties: false },
)
export type UserIdParams = Static<typeof UserIdParams>

/**
 * The acting admin's own password, on the requests `needsAdminPassword` names: a stolen
 * admin token alone cannot make a backdoor admin or shut the real admins out. Checked
 * under the sign-in throttle: missing or wrong is 403 `invalid_credentials`, too many
 * wrong ones 429 `rate_limited`.
 */
export const AdminPassword = Type.Optional(Password)

/**
 * `POST /api/users/:id/password` (admin): set a new password; all the user's sessions end.
 * Never for the caller's own account (that is `POST /api/me/password`, which needs the
 * current password). For another admin's account, `adminPassword` is required.
 */
export const ResetPasswordRequest = Type.Object(
  { newPassword: Password, adminPassword: AdminPassword },
  { additionalProperties: false },
)
export type ResetPasswordRequest = Static<typeof ResetPasswordRequest>

/**
 * The optional body of `POST /api/users/:id/disable`, `POST /api/users/:id/enable`,
 * `DELETE /api/users/:id` and `DELETE /api/users/:id/sessions`: `adminPassword` when the
 * account is another admin's.
 */
export const AdminConfirmationRequest = Type.Object({ adminPassword: AdminPassword }, { additionalProperties: false })
export type AdminConfirmationRequest = Static<typeof AdminConfirmationRequest>

/** The roles of a user: at most 16, each once. */
export const RoleList = Type.Array(Role, { maxItems: 16, uniqueItems: true })

/**
 * `POST /api/users` (admin): a new account; the password passes the same policy as any
 * other. A new admin needs `adminPassword`.
 */
export const CreateUserRequest = Type.Object(
  { username: Username, password: Password, roles: RoleList, adminPassword: AdminPassword },
  { additionalProperties: false },
)
export type CreateUserRequest = Static<typeof CreateUserRequest>

/**
 * `PUT /api/users/:id/roles` (admin): the user's roles from now on (replaces them).
 * Adding the admin role, or changing another admin's roles, needs `adminPassword`.
 */
export const SetRolesRequest = Type.Object({ roles: RoleList, adminPassword: AdminPassword }, { additionalProperties: false })
export type SetRolesRequest = Static<typeof SetRolesRequest>

/** What an admin's request does, as far as `needsAdminPassword` cares. */
export interface AdminAction {
  /** The acting admin. */
  readonly actorId: number
  /** The account acted on, as it is now; none for a new account. */
  readonly target?: { readonly id: number; readonly roles: readonly string[] }
  /** Whether the account has the admin role afterwards and did not before (a new admin counts). */
  readonly grantsAdmin: boolean
}

/**
 * Whether a user-management request needs the acting admin's own password: it grants
 * the admin role, or it acts on another admin (disable, enable, delete, end sessions,
 * reset the password, change the roles). The one statement of the rule, for the server
 * that enforces it and the app that asks for the password.
 */
export function needsAdminPassword(action: AdminAction): boolean {
  if (action.grantsAdmin) return true
  const { target } = action
  return target !== undefined && target.id !== action.actorId && target.roles.includes('admin')
}
