import { jwtVerify, SignJWT, type JWTVerifyGetKey, type JWTVerifyOptions } from 'jose'
import { failureFromVerifyError, UnknownKidError, type TokenFailure } from './failures.js'
import type { KeyRing } from './key-ring.js'
import {
  looksLikeCompactJws,
  MAX_TOKEN_LENGTH,
  RESERVED_CLAIMS,
  timeWindowFailure,
  toTokenPayload,
  type TokenPayload,
} from './token-payload.js'
import { VerifiedTokenCache } from './verified-token-cache.js'

/** The only algorithm signed or accepted. */
const ALGORITHM = 'HS256'

/** Configuration of one kind of token (one audience, one `typ`). */
export interface TokenSignerOptions {
  /**
   * Signs with the first key, verifies with any. The ring is fixed for the signer's
   * life: to retire a key, build a new signer from a new ring and drop the old signer
   * (its cache goes with it, so no token verified under the old key outlives it).
   */
  keys: KeyRing
  /** The salt, e.g. `'tokenauth:access'`: a token verifies only where the same audience is expected. */
  audience: string
  /** JWS header `typ`, e.g. `'at+jwt'` (RFC 9068); another `typ` is another kind of token. */
  type: string
  /** Lifetime of a new token, in whole seconds. */
  ttlSeconds: number
  /** Accepted clock skew, in seconds, when checking `exp`. Default 5. */
  clockToleranceSeconds?: number
  /** Sets and requires the `iss` claim when given. */
  issuer?: string
  /** The clock, in milliseconds since the epoch. Default `Date.now`. */
  now?: () => number
  /** How many verified tokens to remember. Default 10 000; 0 disables the cache. */
  cacheSize?: number
}

/** Claims a caller puts in a token; `iat`, `exp`, `nbf`, `aud` and `iss` are the signer's. */
export interface TokenClaims {
  sub: string
  sid: string
  /** Lists are lists of strings (RFC 8176 `amr`, say). */
  [claim: string]: string | number | boolean | readonly string[]
}

/** A freshly signed token. */
export interface SignedToken {
  token: string
  expiresAt: Date
  payload: TokenPayload
}

/** What `verify` concluded. */
export type VerifyResult =
  | { readonly ok: true; readonly payload: TokenPayload }
  | { readonly ok: false; readonly reason: TokenFailure }

/** Signs and verifies one kind of token. */
export interface TokenSigner {
  readonly audience: string
  readonly type: string
  /** Signs `claims` with the ring's newest key. Throws on invalid claims (a programming error). */
  sign(claims: TokenClaims): Promise<SignedToken>
  /** Checks a token; never throws, whatever `token` is. */
  verify(token: string): Promise<VerifyResult>
  /**
   * The same answer as `verify`, synchronously, when the token is in the verified-token
   * cache (`exp` checked again); undefined when it is not and `verify` must be called.
   * Lets a hot path skip the promise machinery for the common case.
   */
  verifyCached(token: string): VerifyResult | undefined
  /** How many verified tokens are cached (for metrics and tests). */
  readonly cachedTokenCount: number
}

const DEFAULT_CLOCK_TOLERANCE_SECONDS = 5
const DEFAULT_CACHE_SIZE = 10_000

function assertOptions(options: TokenSignerOptions, toleranceSeconds: number): void {
  const { audience, type, ttlSeconds, issuer } = options
  if (typeof audience !== 'string' || audience === '') throw new TypeError('audience must be a non-empty string')
  if (typeof type !== 'string' || type === '') throw new TypeError('type must be a non-empty string')
  if (issuer !== undefined && (typeof issuer !== 'string' || issuer === '')) {
    throw new TypeError('issuer must be a non-empty string when given')
  }
  if (!Number.isSafeInteger(ttlSeconds) || ttlSeconds <= 0) throw new RangeError('ttlSeconds must be a positive integer')
  if (!Number.isFinite(toleranceSeconds) || toleranceSeconds < 0) {
    throw new RangeError('clockToleranceSeconds must be a non-negative number')
  }
}

function assertClaims(claims: TokenClaims): void {
  if (typeof claims.sub !== 'string' || claims.sub === '') throw new TypeError('sub must be a non-empty string')
  if (typeof claims.sid !== 'string' || claims.sid === '') throw new TypeError('sid must be a non-empty string')
  for (const [name, value] of Object.entries(claims)) {
    if (RESERVED_CLAIMS.has(name)) throw new TypeError(`claim "${name}" is set by the signer`)
    const allowed =
      typeof value === 'string' || typeof value === 'boolean' || Number.isFinite(value) || (Array.isArray(value) && value.every((item) => typeof item === 'string'))
    if (!allowed) throw new TypeError(`claim "${name}" must be a string, a finite number, a boolean or a list of strings`)
  }
}

function fail(reason: TokenFailure): VerifyResult {
  return { ok: false, reason }
}

/** Creates a signer for one audience and token type over a key ring. */
export function createTokenSigner(options: TokenSignerOptions): TokenSigner {
  const { keys, audience, type, ttlSeconds, issuer } = options
  const toleranceSeconds = options.clockToleranceSeconds ?? DEFAULT_CLOCK_TOLERANCE_SECONDS
  assertOptions(options, toleranceSeconds)
  const clock = options.now ?? Date.now
  // Belongs to this signer alone: a new ring means a new signer and an empty cache.
  const cache = new VerifiedTokenCache<TokenPayload>(options.cacheSize ?? DEFAULT_CACHE_SIZE)

  const readClock = (): number => {
    const nowMs = clock()
    // NaN would make every time comparison false, i.e. nothing would ever expire.
    if (!Number.isFinite(nowMs)) throw new TypeError('the clock returned a non-finite time')
    return nowMs
  }

  const resolveKey: JWTVerifyGetKey = (header) => {
    const key = typeof header.kid === 'string' ? keys.get(header.kid) : undefined
    if (key === undefined) throw new UnknownKidError()
    return key
  }

  const baseVerifyOptions: JWTVerifyOptions = {
    algorithms: [ALGORITHM],
    audience,
    typ: type,
    requiredClaims: ['sub', 'sid', 'iat', 'exp', 'aud'],
    clockTolerance: toleranceSeconds,
    ...(issuer !== undefined && { issuer }),
  }

  async function sign(claims: TokenClaims): Promise<SignedToken> {
    assertClaims(claims)
    const iat = Math.floor(readClock() / 1000)
    const exp = iat + ttlSeconds
    const payload: TokenPayload = Object.freeze({
      ...claims,
      iat,
      exp,
      aud: audience,
      ...(issuer !== undefined && { iss: issuer }),
    })
    const { kid, key } = keys.signingKey
    const token = await new SignJWT(payload).setProtectedHeader({ alg: ALGORITHM, typ: type, kid }).sign(await key)
    // verify() refuses longer tokens unread, so minting one would be a silent lockout.
    if (token.length > MAX_TOKEN_LENGTH) {
      throw new RangeError(`token is ${token.length} characters, at most ${MAX_TOKEN_LENGTH} are accepted`)
    }
    return { token, expiresAt: new Date(exp * 1000), payload }
  }

  /** The answer from the cache alone, or undefined when the token must go through jose. */
  function verifyFromCache(token: string, nowMs: number): VerifyResult | undefined {
    // A hit requires the exact bytes that verified before (the cache compares the whole token).
    const cached = cache.get(token)
    if (cached === undefined) return undefined
    const timeFailure = timeWindowFailure(cached, nowMs, toleranceSeconds)
    if (timeFailure === undefined) return { ok: true, payload: cached }
    cache.delete(token)
    return fail(timeFailure)
  }

  function verifyCached(token: string): VerifyResult | undefined {
    try {
      return verifyFromCache(token, readClock())
    } catch {
      return fail('bad_signature')
    }
  }

  async function verifyOrThrow(token: string): Promise<VerifyResult> {
    if (!looksLikeCompactJws(token)) return fail('malformed')
    const nowMs = readClock()
    const cached = verifyFromCache(token, nowMs)
    if (cached !== undefined) return cached
    try {
      const { payload: claims } = await jwtVerify(token, resolveKey, {
        ...baseVerifyOptions,
        currentDate: new Date(nowMs),
      })
      const payload = toTokenPayload(claims)
      if (payload === undefined) return fail('bad_payload')
      cache.set(token, payload)
      return { ok: true, payload }
    } catch (error) {
      return fail(failureFromVerifyError(error))
    }
  }

  async function verify(token: string): Promise<VerifyResult> {
    try {
      return await verifyOrThrow(token)
    } catch {
      // Only a broken clock gets here; refuse rather than throw into the request path.
      return fail('bad_signature')
    }
  }

  return {
    audience,
    type,
    sign,
    verify,
    verifyCached,
    get cachedTokenCount() {
      return cache.size
    },
  }
}
