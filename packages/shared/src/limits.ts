// Plain numbers of the contract, apart from the schemas, so the SPA can use them
// without bundling TypeBox.

/** Passwords: 8–256 characters, any characters, no composition rules (NIST SP 800-63B). */
export const PASSWORD_MIN_LENGTH = 8
export const PASSWORD_MAX_LENGTH = 256
export const NOTE_MAX_LENGTH = 2000
export const SESSION_ITEM_MAX_KEYS = 32
export const AUDIT_PAGE_MAX = 100
