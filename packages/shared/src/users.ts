import { Type, type Static } from 'typebox'
import { User } from './user.js'

/** `GET /api/users` (role `admin`): every account. */
export const UserSummary = Type.Object(
  {
    ...User.properties,
    createdAt: Type.String({ format: 'date-time' }),
  },
  { additionalProperties: false },
)
export type UserSummary = Static<typeof UserSummary>

export const UserList = Type.Object({ users: Type.Array(UserSummary) }, { additionalProperties: false })
export type UserList = Static<typeof UserList>
