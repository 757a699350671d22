/** Header the SPA sends the access token in (the seed's convention). */
export const TOKEN_HEADER = 'token'
/** The standard header; `Authorization: Bearer <token>` is accepted too. */
export const AUTHORIZATION_HEADER = 'authorization'
/** Token scheme in `Authorization` and in `WWW-Authenticate` challenges. */
export const TOKEN_SCHEME = 'Bearer'
/** Name of the server-session cookie in development (plain HTTP). */
export const SESSION_COOKIE = 'tokenauth.sid'
/**
 * Name of the server-session cookie in production. The `__Host-` prefix makes the
 * browser refuse it unless it is `Secure`, has `Path=/` and no `Domain`.
 */
export const SESSION_COOKIE_PRODUCTION = '__Host-tokenauth.sid'
/** Every API route lives under this prefix; anything else is the SPA. */
export const API_PREFIX = '/api'
/**
 * Custom header that `POST /api/auth/refresh` requires. A cross-site form or image
 * cannot set it, and a cross-site `fetch` that does triggers a CORS preflight we refuse.
 */
export const REFRESH_HEADER = 'x-tokenauth-refresh'
/** Path the server's scoped demo cookies live under. */
export const DEMO_COOKIE_PATH = '/api/cookies'
/**
 * Every answer's id, in its log lines too: quote it to an operator. Taken from a request
 * only when a trusted proxy sent it (see `TRUST_PROXY`).
 */
export const REQUEST_ID_HEADER = 'x-request-id'
/**
 * On every answer to a request the session authenticated (and on a renewal): milliseconds
 * from the answer until the session ends for inactivity, counted by the server's own idle
 * clock. Relative, so a client whose clock is off still counts down right.
 */
export const SESSION_IDLE_ENDS_IN_HEADER = 'x-session-idle-ends-in'
