import { Type, type Static } from 'typebox'
import { Password } from './user.js'

/** `POST /api/me/password`. */
export const ChangePasswordRequest = Type.Object(
  {
    currentPassword: Type.String({ minLength: 1, maxLength: 256 }),
    newPassword: Password,
  },
  { additionalProperties: false },
)
export type ChangePasswordRequest = Static<typeof ChangePasswordRequest>

/** The password changed; every other session of mine was ended. */
export const ChangePasswordResponse = Type.Object(
  { endedSessions: Type.Integer({ minimum: 0 }) },
  { additionalProperties: false },
)
export type ChangePasswordResponse = Static<typeof ChangePasswordResponse>
