import type { TokenFailure } from './failures.js'

/** The claims of a verified token. `aud` is the audience (the salt) it was minted for. */
export interface TokenPayload {
  readonly sub: string
  readonly sid: string
  /** Issued at, seconds since the epoch. */
  readonly iat: number
  /** Expires at, seconds since the epoch. */
  readonly exp: number
  readonly aud: string
  readonly iss?: string
  readonly [claim: string]: unknown
}

/** Claims the signer sets itself; callers may not pass them to `sign`. */
export const RESERVED_CLAIMS: ReadonlySet<string> = new Set(['iat', 'exp', 'nbf', 'aud', 'iss'])

/** Longest token `verify` will look at; ours are a few hundred characters. */
export const MAX_TOKEN_LENGTH = 4096

// Three non-empty base64url segments. The classes exclude '.', so matching is linear.
const COMPACT_JWS_PATTERN = /^[\w-]+\.[\w-]+\.[\w-]+$/

/** Cheap shape check before jose: rejects garbage without parsing or throwing. */
export function looksLikeCompactJws(token: unknown): token is string {
  return typeof token === 'string' && token.length <= MAX_TOKEN_LENGTH && COMPACT_JWS_PATTERN.test(token)
}

const isNonEmptyString = (value: unknown): value is string => typeof value === 'string' && value !== ''
const isOptional = <T>(value: unknown, check: (value: unknown) => value is T): boolean =>
  value === undefined || check(value)
const isString = (value: unknown): value is string => typeof value === 'string'
// JSON.parse turns 1e999 into Infinity, which would make a token that never expires.
const isFiniteNumber = (value: unknown): value is number => Number.isFinite(value)

/**
 * The claims jose verified, typed and frozen, or `undefined` when a claim the type
 * promises is missing or of the wrong type. jose checks presence and that dates are
 * numbers; it does not check `sub`/`sid` types or that dates are finite.
 */
export function toTokenPayload(claims: Readonly<Record<string, unknown>>): TokenPayload | undefined {
  const { sub, sid, iat, exp, aud, iss, nbf } = claims
  const valid =
    isNonEmptyString(sub) &&
    isNonEmptyString(sid) &&
    isFiniteNumber(iat) &&
    isFiniteNumber(exp) &&
    isString(aud) &&
    isOptional(iss, isString) &&
    isOptional(nbf, isFiniteNumber)
  return valid ? Object.freeze({ ...claims, sub, sid, iat, exp, aud }) : undefined
}

/**
 * The same time checks jose makes (`exp`, and `nbf` if present, against whole seconds
 * with the tolerance), for payloads that come from the cache instead of jose.
 */
export function timeWindowFailure(
  payload: TokenPayload,
  nowMs: number,
  toleranceSeconds: number,
): TokenFailure | undefined {
  const now = Math.floor(nowMs / 1000)
  if (typeof payload.nbf === 'number' && payload.nbf > now + toleranceSeconds) return 'bad_payload'
  if (payload.exp <= now - toleranceSeconds) return 'expired'
  return undefined
}
