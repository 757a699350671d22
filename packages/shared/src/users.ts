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

/** Set on create and reset: the person's sessions can do nothing but `POST /api/me/password` until they change it. */
const MustChangePassword = Type.Optional(Type.Boolean())

/**
 * `POST /api/users/:id/password` (admin, step-up): set a new password; all the user's
 * sessions end. Never for the caller's own account (that is `POST /api/me/password`,
 * which needs the current password).
 */
export const ResetPasswordRequest = Type.Object({ newPassword: Password, mustChangePassword: MustChangePassword }, { additionalProperties: false })
export type ResetPasswordRequest = Static<typeof ResetPasswordRequest>

/** The roles of a user: at most 16, each once. */
export const RoleList = Type.Array(Role, { maxItems: 16, uniqueItems: true })

/** `POST /api/users` (admin, step-up): a new account; the password passes the same policy as any other. */
export const CreateUserRequest = Type.Object(
  { username: Username, password: Password, roles: RoleList, mustChangePassword: MustChangePassword },
  { additionalProperties: false },
)
export type CreateUserRequest = Static<typeof CreateUserRequest>

/** `PUT /api/users/:id/roles` (admin, step-up): the user's roles from now on (replaces them). */
export const SetRolesRequest = Type.Object({ roles: RoleList }, { additionalProperties: false })
export type SetRolesRequest = Static<typeof SetRolesRequest>
