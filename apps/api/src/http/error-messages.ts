import { DEFAULT_MESSAGES } from '@tokenauth/fastify-token-auth'
import type { ErrorCode } from '@tokenauth/shared'

/**
 * The server's English `message` for each error code, for developers and API clients (the
 * SPA shows its own words for the code, in the reader's language). The token plugin's
 * codes keep the plugin's own words; the app writes the rest. A handler may pass a more
 * precise message.
 */
export const errorMessages: Readonly<Record<ErrorCode, string>> = {
  ...DEFAULT_MESSAGES,
  second_factor_enrolment_required: 'This account must set up a second factor first (an authenticator app or a passkey).',
  password_change_required: 'This account must choose a new password first (POST /api/me/password).',
  invalid_credentials: 'Incorrect username or password.',
  invalid_second_factor: 'That code is not correct, or was already used.',
  second_factor_required: 'This account has a second factor: confirm with a code, not the password alone.',
  invalid_challenge: 'This sign-in has expired. Please sign in again.',
  invalid_passkey: 'This passkey could not be verified. Please try again.',
  invalid_password: 'The password does not meet the requirements.',
  invalid_setup_token: 'This setup link is not valid, has expired or was already used.',
  setup_complete: 'Setup is already complete. Please sign in.',
  not_found: 'Not found.',
  method_not_allowed: 'Method not allowed.',
  conflict: 'The request conflicts with the current state.',
  payload_too_large: 'The request body is too large.',
  headers_too_large: 'The request headers are too large.',
  request_timeout: 'The request was not received in time.',
  unsupported_media_type: 'Unsupported content type.',
  rate_limited: 'Too many requests. Please try again later.',
  csrf_rejected: 'This request came from another site and was refused. Open the app itself and try again.',
  internal_error: 'Something went wrong on the server.',
}
