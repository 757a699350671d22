// Kept apart from the schemas so the SPA can tell a code without bundling TypeBox.
/** Every error code the API can answer with: the `code` of `{ "error": { "code", "message" } }`. */
export const ERROR_CODES = [
  'missing_token',
  'malformed_token',
  'invalid_token',
  'expired_token',
  'revoked_token',
  'insufficient_role',
  'insufficient_user_authentication',
  'second_factor_enrolment_required',
  'password_change_required',
  'invalid_credentials',
  'invalid_second_factor',
  'second_factor_required',
  'invalid_challenge',
  'invalid_passkey',
  'invalid_password',
  'invalid_setup_token',
  'setup_complete',
  'bad_request',
  'not_found',
  'method_not_allowed',
  'conflict',
  'payload_too_large',
  'headers_too_large',
  'request_timeout',
  'unsupported_media_type',
  'rate_limited',
  'csrf_rejected',
  'service_unavailable',
  'internal_error',
] as const

/** Whether a value (say, from a response body) is one of `ERROR_CODES`. */
export function isErrorCode(value: unknown): value is (typeof ERROR_CODES)[number] {
  return typeof value === 'string' && (ERROR_CODES as readonly string[]).includes(value)
}

/**
 * What a restricted session may still do: a token that carries one of these can call only
 * the routes that stay open for it, until the account's state lifts it.
 */
export const RESTRICTIONS = ['password_change_required', 'second_factor_enrolment_required'] as const
export type Restriction = (typeof RESTRICTIONS)[number]
