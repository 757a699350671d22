/**
 * Signed, timed, salted tokens (in the spirit of itsdangerous) as HS256 JWS on jose,
 * with a key ring for rotation and a cache for the per-request verify.
 */
export { createTokenSigner } from './token-signer.js'
export type { SignedToken, TokenClaims, TokenSigner, TokenSignerOptions, VerifyResult } from './token-signer.js'
export type { TokenFailure } from './failures.js'
export { MAX_TOKEN_LENGTH, type TokenPayload } from './token-payload.js'
export { KeyRing, KeyRingError, MIN_SECRET_BYTES, type ImportedKey, type SigningKey } from './key-ring.js'
export { formatKeyRing, generateSigningKey, parseKeyRing } from './key-ring-config.js'
