import { TOKEN_MAX_LENGTH } from './limits.js'
import { Type, type Static } from 'typebox'
import { Password, Username } from './user.js'

/** `GET /api/setup`: whether the first admin account still has to be created. */
export const SetupStatus = Type.Object({ required: Type.Boolean() }, { additionalProperties: false })
export type SetupStatus = Static<typeof SetupStatus>

/**
 * `POST /api/setup`: creates the first admin with the one-time link the server printed
 * at start-up. Answers like a login (`LoginResponse`, status 201).
 */
export const SetupRequest = Type.Object(
  {
    setupToken: Type.String({ minLength: 1, maxLength: TOKEN_MAX_LENGTH }),
    username: Username,
    password: Password,
  },
  { additionalProperties: false },
)
export type SetupRequest = Static<typeof SetupRequest>
