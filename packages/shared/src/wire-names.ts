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
