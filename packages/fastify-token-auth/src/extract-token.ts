import type { IncomingHttpHeaders } from 'node:http'

/**
 * Reads the access token from `<tokenHeader>: <token>` or `Authorization: <scheme> <token>`.
 * Only cheap syntax checks happen here; the meaning of the token is `verifyToken`'s job.
 */

/** No token presented: no token header (or an empty one), and no `Authorization` of our scheme. */
export const TOKEN_ABSENT = 0
/** A token presented but not a token68 string (RFC 7235 §2.1), too long, or a repeated header. */
export const TOKEN_MALFORMED = 1
/** Both headers present with different tokens: "more than one method" (RFC 6750 §3.1). */
export const TOKEN_CONFLICT = 2

/**
 * The token header or `Authorization` sent more than once. Node keeps only the first
 * `Authorization` (so `Bearer <alice>`, `Bearer <bob>` would be read as alice) and joins
 * repeated custom headers: a request that names two credentials is refused outright.
 */
export const TOKEN_REPEATED = 3

export type TokenProblem = typeof TOKEN_ABSENT | typeof TOKEN_MALFORMED | typeof TOKEN_CONFLICT | typeof TOKEN_REPEATED

/** The token, or why there is none. */
export type TokenExtraction = string | TokenProblem

export interface TokenExtractorOptions {
  /** Lower-case header name, or `false` to read only `Authorization`. */
  readonly tokenHeader: string | false
  /** Authorization scheme, e.g. `Bearer`; compared case-insensitively. */
  readonly scheme: string
  readonly maxTokenLength: number
}

const SP = 0x20
const HTAB = 0x09

/**
 * token68 = 1*( ALPHA / DIGIT / "-" / "." / "_" / "~" / "+" / "/" ) *"=". A regular
 * expression, because V8 compiles it to machine code, which beats a loop over char codes
 * (this runs on every authenticated request). In JavaScript `$` without the `m` flag
 * matches only at the very end, not before a "\n".
 */
const TOKEN68 = /^[A-Za-z0-9\-._~+/]+=*$/

/** Builds the per-request extractor once, with the scheme lower-cased ahead of time. */
export function createTokenExtractor(
  options: TokenExtractorOptions,
): (headers: IncomingHttpHeaders, rawHeaders?: readonly string[]) => TokenExtraction {
  const { tokenHeader, maxTokenLength } = options
  const scheme = options.scheme.toLowerCase()
  const schemeLength = scheme.length

  function fromAuthorization(value: string | string[] | undefined): TokenExtraction {
    if (value === undefined) return TOKEN_ABSENT
    if (typeof value !== 'string') return TOKEN_MALFORMED
    let end = value.length
    while (end > 0 && isWhitespace(value.charCodeAt(end - 1))) end--
    // Another scheme (e.g. Basic, meant for a proxy) is not our business: no token.
    if (end <= schemeLength) return TOKEN_ABSENT
    for (let i = 0; i < schemeLength; i++) {
      if (toLowerAscii(value.charCodeAt(i)) !== scheme.charCodeAt(i)) return TOKEN_ABSENT
    }
    let start = schemeLength
    if (!isWhitespace(value.charCodeAt(start))) return TOKEN_ABSENT // `BearerX …` is another scheme
    while (start < end && isWhitespace(value.charCodeAt(start))) start++
    return value.slice(start, end)
  }

  /** Counts the credential headers as sent (`rawHeaders` alternates names and values). */
  function repeatsCredentialHeader(rawHeaders: readonly string[]): boolean {
    let authorization = 0
    let token = 0
    for (let i = 0; i < rawHeaders.length; i += 2) {
      const name = rawHeaders[i] ?? ''
      if (name.length === 13 && name.toLowerCase() === 'authorization') authorization++
      else if (tokenHeader !== false && name.length === tokenHeader.length && name.toLowerCase() === tokenHeader) token++
    }
    return authorization > 1 || token > 1
  }

  /**
   * `rawHeaders` (Node's `request.raw.rawHeaders`), when given, is checked for a repeated
   * credential header first; without it only the parsed headers are read.
   */
  return function extractToken(headers: IncomingHttpHeaders, rawHeaders?: readonly string[]): TokenExtraction {
    if (rawHeaders !== undefined && repeatsCredentialHeader(rawHeaders)) return TOKEN_REPEATED
    const fromHeader = tokenHeader === false ? TOKEN_ABSENT : fromTokenHeader(headers[tokenHeader])
    const fromAuth = fromAuthorization(headers.authorization)
    let token: TokenExtraction
    if (fromHeader === TOKEN_ABSENT) token = fromAuth
    else if (fromAuth === TOKEN_ABSENT) token = fromHeader
    else if (typeof fromHeader === 'string' && typeof fromAuth === 'string') {
      if (fromHeader !== fromAuth) return TOKEN_CONFLICT
      token = fromHeader
    } else return TOKEN_MALFORMED
    if (typeof token !== 'string') return token
    return isToken68(token, maxTokenLength) ? token : TOKEN_MALFORMED
  }
}

function fromTokenHeader(value: string | string[] | undefined): TokenExtraction {
  if (value === undefined) return TOKEN_ABSENT
  // Node joins repeated custom headers with ", " (caught by the syntax check); an array
  // only comes from callers that bypass the parser. Either way: two tokens, refuse.
  if (typeof value !== 'string') return TOKEN_MALFORMED
  if (value.length === 0) return TOKEN_ABSENT
  // The HTTP parser strips surrounding whitespace already; only a blank value needs care.
  if (isWhitespace(value.charCodeAt(0)) || isWhitespace(value.charCodeAt(value.length - 1))) {
    const trimmed = value.trim()
    return trimmed.length === 0 ? TOKEN_ABSENT : trimmed
  }
  return value
}

/** RFC 7235 token68, at most `maxLength` characters. */
export function isToken68(value: string, maxLength: number): boolean {
  return value.length <= maxLength && TOKEN68.test(value)
}

function isWhitespace(code: number): boolean {
  return code === SP || code === HTAB
}

function toLowerAscii(code: number): number {
  return code >= 0x41 && code <= 0x5a ? code + 0x20 : code
}
