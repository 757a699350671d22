import { Type, type Static } from 'typebox'

/** Why a request carrying (or lacking) a token was refused with 401. */
export const AuthFailureCode = Type.Union([
  Type.Literal('missing_token'),
  Type.Literal('malformed_token'),
  Type.Literal('invalid_token'),
  Type.Literal('expired_token'),
  Type.Literal('revoked_token'),
])
export type AuthFailureCode = Static<typeof AuthFailureCode>

/** Every error code the API can answer with. */
export const ErrorCode = Type.Union([
  ...AuthFailureCode.anyOf,
  Type.Literal('insufficient_role'),
  Type.Literal('invalid_credentials'),
  Type.Literal('invalid_second_factor'),
  Type.Literal('invalid_challenge'),
  Type.Literal('invalid_password'),
  Type.Literal('invalid_setup_token'),
  Type.Literal('setup_complete'),
  Type.Literal('bad_request'),
  Type.Literal('not_found'),
  Type.Literal('method_not_allowed'),
  Type.Literal('conflict'),
  Type.Literal('payload_too_large'),
  Type.Literal('headers_too_large'),
  Type.Literal('request_timeout'),
  Type.Literal('unsupported_media_type'),
  Type.Literal('rate_limited'),
  Type.Literal('csrf_rejected'),
  Type.Literal('service_unavailable'),
  Type.Literal('internal_error'),
])
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
