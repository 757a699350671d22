// Plain numbers of the contract, apart from the schemas, so the SPA can use them
// without bundling TypeBox.

/** Passwords: 8–256 characters, any characters, no composition rules (NIST SP 800-63B). */
export const PASSWORD_MIN_LENGTH = 8
export const PASSWORD_MAX_LENGTH = 256
/** The username rule (ASCII only); the API refuses a sign-in name outside it before any lookup. */
export const USERNAME_PATTERN = '^[A-Za-z0-9._-]+$'
export const USERNAME_MAX_LENGTH = 64
export const NOTE_MAX_LENGTH = 2000
export const SESSION_ITEM_MAX_KEYS = 32
export const AUDIT_PAGE_MAX = 100
/** Longest access or setup token the server reads (`token` header, `Authorization`, setup body). */
export const TOKEN_MAX_LENGTH = 4096
/** Longest `Max-Age` of a demo cookie: 400 days, the cap browsers apply (RFC 6265bis). */
export const DEMO_COOKIE_MAX_AGE_SECONDS = 400 * 24 * 3600
