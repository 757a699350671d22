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
  Type.Literal('invalid_password'),
  Type.Literal('invalid_setup_token'),
  Type.Literal('setup_complete'),
  Type.Literal('bad_request'),
  Type.Literal('not_found'),
  Type.Literal('method_not_allowed'),
  Type.Literal('conflict'),
  Type.Literal('payload_too_large'),
  Type.Literal('unsupported_media_type'),
  Type.Literal('rate_limited'),
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

/** Human-readable default messages; the SPA shows these words for a code. */
export const errorMessages: Readonly<Record<ErrorCode, string>> = {
  missing_token: 'Authentication is required.',
  malformed_token: 'The access token is not well formed.',
  invalid_token: 'The access token is not valid.',
  expired_token: 'The access token has expired.',
  revoked_token: 'The session has ended. Please sign in again.',
  insufficient_role: 'You do not have permission to do this.',
  invalid_credentials: 'Incorrect username or password.',
  invalid_password: 'The password does not meet the requirements.',
  invalid_setup_token: 'This setup link is not valid, has expired or was already used.',
  setup_complete: 'Setup is already complete. Please sign in.',
  bad_request: 'The request is not valid.',
  not_found: 'Not found.',
  method_not_allowed: 'Method not allowed.',
  conflict: 'The request conflicts with the current state.',
  payload_too_large: 'The request body is too large.',
  unsupported_media_type: 'Unsupported content type.',
  rate_limited: 'Too many requests. Please try again later.',
  service_unavailable: 'The service is busy. Please try again shortly.',
  internal_error: 'Something went wrong on the server.',
}
