import { Type, type Static } from 'typebox'
import { ERROR_CODES } from './error-codes.js'

/** Why a request carrying (or lacking) a token was refused with 401. */
export const AuthFailureCode = Type.Union([
  Type.Literal('missing_token'),
  Type.Literal('malformed_token'),
  Type.Literal('invalid_token'),
  Type.Literal('expired_token'),
  Type.Literal('revoked_token'),
])
export type AuthFailureCode = Static<typeof AuthFailureCode>

/** Every error code the API can answer with (`ERROR_CODES`). */
export const ErrorCode = Type.Enum(ERROR_CODES)
export type ErrorCode = Static<typeof ErrorCode>

/** The one shape of every error response: `{ "error": { "code", "message" } }`. */
export const ErrorBody = Type.Object(
  {
    error: Type.Object(
      {
        code: ErrorCode,
        message: Type.String(),
      },
      { additionalProperties: false },
    ),
  },
  { additionalProperties: false },
)
export type ErrorBody = Static<typeof ErrorBody>
