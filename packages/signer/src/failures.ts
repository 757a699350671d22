import { errors } from 'jose'

/**
 * Why a token was refused.
 * - `malformed`: not a compact JWS we can read (shape, base64url, header JSON).
 * - `bad_signature`: readable, but not authenticated: wrong MAC, or an `alg` other than HS256.
 * - `expired`: authentic, but its `exp` (plus the clock tolerance) has passed.
 * - `bad_payload`: authentic, but its claims are missing or of the wrong type.
 * - `wrong_audience`: authentic, but minted for another audience, issuer or `typ`.
 * - `unknown_key`: its `kid` is missing or not in the ring (retired, or never ours).
 */
export type TokenFailure = 'malformed' | 'bad_signature' | 'expired' | 'bad_payload' | 'wrong_audience' | 'unknown_key'

/** Thrown from jose's key resolver when the header's `kid` is not in the ring. */
export class UnknownKidError extends Error {
  override readonly name = 'UnknownKidError'
}

/** Claims whose mismatch means "a token of another kind", not a broken one. */
const CONTEXT_CLAIMS: ReadonlySet<string> = new Set(['aud', 'iss', 'typ'])

/**
 * Maps what `jwtVerify` threw to a failure. jose checks, in order: shape, header,
 * `alg` allowlist, key (our resolver), MAC, then claims, so the first problem wins.
 *
 * | thrown                                   | when                                        | failure          |
 * | ---------------------------------------- | ------------------------------------------- | ---------------- |
 * | UnknownKidError (ours)                   | `kid` missing, not a string, not in ring    | `unknown_key`    |
 * | JWSInvalid                               | bad base64url / header JSON, no `alg`, bad `crit` | `malformed` |
 * | JOSEAlgNotAllowed                        | `alg` is not HS256 (`none`, HS512, RS256…)  | `bad_signature`  |
 * | JOSENotSupported                         | unknown `crit` extension                    | `bad_signature`  |
 * | JWSSignatureVerificationFailed           | MAC mismatch                                | `bad_signature`  |
 * | JWTExpired                               | `exp` ≤ now − tolerance                     | `expired`        |
 * | JWTClaimValidationFailed, `aud`/`iss`/`typ` mismatch | another audience, issuer or typ | `wrong_audience` |
 * | JWTClaimValidationFailed, anything else  | claim missing, wrong type, `nbf` in future  | `bad_payload`    |
 * | JWTInvalid                               | payload not a JSON object, `b64: false`     | `bad_payload`    |
 * | anything else (JWE/JWK/JWKS errors, TypeError) | not reachable for HS256 compact JWS   | `bad_signature`  |
 *
 * The fallback refuses rather than guesses: an error we did not foresee is never a pass.
 */
export function failureFromVerifyError(error: unknown): TokenFailure {
  if (error instanceof UnknownKidError) return 'unknown_key'
  if (error instanceof errors.JWSInvalid) return 'malformed'
  if (error instanceof errors.JWTExpired) return 'expired'
  if (error instanceof errors.JWTClaimValidationFailed) {
    return error.reason === 'check_failed' && CONTEXT_CLAIMS.has(error.claim) ? 'wrong_audience' : 'bad_payload'
  }
  if (error instanceof errors.JWTInvalid) return 'bad_payload'
  return 'bad_signature'
}
