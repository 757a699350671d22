/** Why a request carrying (or lacking) a token was refused with 401: what `verifyToken` may answer. */
export type TokenFailureReason = 'missing_token' | 'malformed_token' | 'invalid_token' | 'expired_token' | 'revoked_token'

/** Every refusal the plugin can answer with, as the `code` of the JSON error body. */
export type TokenAuthFailureCode =
  | TokenFailureReason
  | 'insufficient_role'
  | 'insufficient_user_authentication'
  | 'bad_request'
  | 'service_unavailable'

/** The plugin's own words for each refusal; an app passes its own with the `messages` option. */
export const DEFAULT_MESSAGES: Readonly<Record<TokenAuthFailureCode, string>> = Object.freeze({
  missing_token: 'Authentication is required.',
  malformed_token: 'The access token is not well formed.',
  invalid_token: 'The access token is not valid.',
  expired_token: 'The access token has expired.',
  revoked_token: 'The session has ended. Please sign in again.',
  insufficient_role: 'You do not have permission to do this.',
  insufficient_user_authentication: 'This needs a recent proof of who you are. Please confirm it and try again.',
  bad_request: 'The request is not valid.',
  service_unavailable: 'The service is busy. Please try again shortly.',
})
