import { Type, type Static } from 'typebox'
import { PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH, USERNAME_MAX_LENGTH, USERNAME_PATTERN } from './limits.js'

/** A role name. `admin` is the one the API itself gives meaning to. */
export const Role = Type.String({ minLength: 1, maxLength: 32, pattern: '^[a-z][a-z0-9_-]*$' })
export type Role = Static<typeof Role>

/** Usernames: 1–64 characters of letters, digits, `.`, `_`, `-`; compared case-insensitively. */
export const Username = Type.String({ minLength: 1, maxLength: USERNAME_MAX_LENGTH, pattern: USERNAME_PATTERN })
export type Username = Static<typeof Username>

/** A password being set; nothing is truncated: the whole string is hashed. */
export const Password = Type.String({ minLength: PASSWORD_MIN_LENGTH, maxLength: PASSWORD_MAX_LENGTH })

/** The public view of a user. */
export const User = Type.Object(
  {
    id: Type.Integer({ minimum: 1 }),
    username: Username,
    roles: Type.Array(Role),
  },
  { additionalProperties: false },
)
export type User = Static<typeof User>
