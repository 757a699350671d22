import type { ErrorCode } from './errors.js'

// Kept apart from the schemas so the SPA can show these words without bundling TypeBox.
/** Human-readable default messages; the SPA shows these words for a code. */
export const errorMessages: Readonly<Record<ErrorCode, string>> = {
  missing_token: 'Authentication is required.',
  malformed_token: 'The access token is not well formed.',
  invalid_token: 'The access token is not valid.',
  expired_token: 'The access token has expired.',
  revoked_token: 'The session has ended. Please sign in again.',
  insufficient_role: 'You do not have permission to do this.',
  invalid_credentials: 'Incorrect username or password.',
  invalid_second_factor: 'That code is not correct, or was already used.',
  invalid_challenge: 'This sign-in has expired. Please sign in again.',
  invalid_password: 'The password does not meet the requirements.',
  invalid_setup_token: 'This setup link is not valid, has expired or was already used.',
  setup_complete: 'Setup is already complete. Please sign in.',
  bad_request: 'The request is not valid.',
  not_found: 'Not found.',
  method_not_allowed: 'Method not allowed.',
  conflict: 'The request conflicts with the current state.',
  payload_too_large: 'The request body is too large.',
  headers_too_large: 'The request headers are too large.',
  request_timeout: 'The request was not received in time.',
  unsupported_media_type: 'Unsupported content type.',
  rate_limited: 'Too many requests. Please try again later.',
  csrf_rejected: 'This request came from another site and was refused. Open the app itself and try again.',
  service_unavailable: 'The service is busy. Please try again shortly.',
  internal_error: 'Something went wrong on the server.',
}
