import fc from 'fast-check'
import type { InjectOptions } from 'fastify'
import type { CollectedRoute } from './route-collector.js'

/** Tokens and cookies the suite mints before it starts; every one of them must be refused. */
export interface HostileCredentials {
  /** Access tokens: re-signed with another key, `alg: none`, unknown `kid`, setup audience, expired, of a deleted user. */
  readonly tokens: readonly string[]
  /** Session cookies that must not work: tampered signatures, unsigned ids, garbage. */
  readonly cookies: readonly string[]
  /**
   * A real session's token, of a user whose own data the suite may change. Requests carry
   * it as `FUZZ_USER_TOKEN` (and its cookie as `FUZZ_USER_COOKIE`): the suite puts in the
   * current ones when it sends them, since a generated logout may have ended the session.
   */
  readonly fuzzUserToken: string
  /** Ids and handles of real users' things, so that requests aim at them. */
  readonly knownIds: readonly string[]
}

export const FUZZ_USER_TOKEN = 'FUZZ_USER_TOKEN'
export const FUZZ_USER_COOKIE = 'FUZZ_USER_COOKIE'

/** One request as generated: plain data, so fast-check can print and shrink it. */
export interface FuzzRequest {
  readonly route: string
  readonly inject: InjectOptions
}

type Method = NonNullable<InjectOptions['method']>
const METHODS: readonly Method[] = ['GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS']

/** Header values a real server can receive: Node refuses control characters (and DEL) other than tab. */
const headerText = fc.string({ unit: fc.oneof(fc.integer({ min: 0x20, max: 0x7e }), fc.integer({ min: 0x80, max: 0xff })).map((c) => String.fromCharCode(c)), maxLength: 80 })
const base64url = fc.string({ unit: fc.constantFrom(...'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_'), maxLength: 60 })

/** Strings with the odd stuff: lone surrogates, control characters, RTL marks, NUL, emoji. */
const oddText = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.constantFrom('', ' ', '\u0000', 'al\u0000ice', '\u202eadmin', '\ud800', '🐴🔋', 'a\r\nb', '../../etc/passwd', 'alice', 'ALICE', '%00'),
)

function tokenArbitrary(credentials: HostileCredentials): fc.Arbitrary<string | undefined> {
  const valid = credentials.fuzzUserToken
  return fc.oneof(
    fc.constant(undefined),
    // The valid token often, so that the garbage in the rest of the request gets past the token check.
    { weight: 6, arbitrary: fc.constant(FUZZ_USER_TOKEN) },
    { weight: 2, arbitrary: fc.constantFrom(...credentials.tokens) },
    fc.nat({ max: valid.length }).map((n) => valid.slice(0, n)),
    fc.tuple(base64url, base64url, base64url).map((parts) => parts.join('.')),
    fc.uint8Array({ maxLength: 64 }).map((bytes) => Buffer.from(bytes).toString('base64url')),
    headerText,
    fc.constant('a'.repeat(5000)),
    fc.constant(`${valid}.${valid}`),
  )
}

/** Where the token goes: `token`, `Authorization` (any scheme), both, or `token` twice (Node joins them). */
function authHeaders(token: string | undefined, other: string | undefined, placement: number): Record<string, string> {
  if (token === undefined) return {}
  switch (placement) {
    case 0:
      return { token }
    case 1:
      return { authorization: `Bearer ${token}` }
    case 2:
      return { authorization: `bEaReR  ${token}` }
    case 3:
      return { authorization: `Basic ${token}` }
    case 4:
      return { token, authorization: `Bearer ${other ?? token}` }
    default:
      return { token: `${token}, ${other ?? token}` }
  }
}

function bodyArbitrary(route: CollectedRoute): fc.Arbitrary<string | undefined> {
  // Plausible values (names, passphrases) as often as odd ones, so validation passes often enough to reach the handlers.
  const field = fc.oneof(
    oddText,
    fc.jsonValue({ maxDepth: 2 }),
    fc.stringMatching(/^[A-Za-z0-9._-]{1,70}$/),
    fc.constantFrom('alice', 'mallory', 'correct horse battery', 'a brand new passphrase', 'password1', true, 3600),
    fc.string({ minLength: 8, maxLength: 300 }),
    fc.constant('x'.repeat(300)),
  )
  const keys = route.bodyKeys.length > 0 ? route.bodyKeys : ['text']
  const shaped = fc
    .tuple(
      fc.tuple(...keys.map((key) => fc.option(field, { freq: 6, nil: undefined }).map((value) => [key, value] as const))).map((entries) =>
        Object.fromEntries(entries.filter(([, value]) => value !== undefined)),
      ),
      fc.dictionary(fc.constantFrom('__proto__', 'constructor', 'admin', 'roles', 'extra'), fc.jsonValue({ maxDepth: 1 }), { maxKeys: 1 }),
    )
    .map(([fields, extra]) => JSON.stringify({ ...fields, ...extra }))
  return fc.oneof(
    { weight: 1, arbitrary: fc.constant(undefined) },
    { weight: 8, arbitrary: shaped },
    { weight: 2, arbitrary: fc.jsonValue({ maxDepth: 4 }).map((v) => JSON.stringify(v)) },
    { weight: 1, arbitrary: fc.tuple(shaped, fc.nat()).map(([json, cut]) => json.slice(0, cut % (json.length + 1))) },
    { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 200 }) },
    { weight: 1, arbitrary: fc.nat({ max: 20_000 }).map((depth) => '['.repeat(depth) + ']'.repeat(depth)) },
    { weight: 1, arbitrary: fc.nat({ max: 3000 }).map((depth) => '{"a":'.repeat(depth) + '1' + '}'.repeat(depth)) },
    { weight: 1, arbitrary: fc.integer({ min: 30_000, max: 70_000 }).map((n) => JSON.stringify({ text: 'x'.repeat(n) })) },
  )
}

const contentType = fc.option(
  fc.oneof(
    { weight: 6, arbitrary: fc.constant('application/json') },
    fc.constantFrom(
      'application/json; charset=utf-8',
      'APPLICATION/JSON',
      'application/json; charset=latin1',
      'application/json, text/plain',
      'text/plain',
      'application/x-www-form-urlencoded',
      'multipart/form-data; boundary=x',
      'application/jsonx',
      ';;;',
    ),
    headerText,
  ),
  { freq: 8, nil: undefined },
)

/** A path segment for a `:param`: a real id, a plausible one, or something odd, percent-encoded or raw. */
function paramArbitrary(knownIds: readonly string[]): fc.Arbitrary<string> {
  return fc.oneof(
    fc.constantFrom(...knownIds),
    fc.constantFrom('0', '-1', '1', '2', '1e3', '99999999999999999999', 'NaN', '%', '%zz', '..', '%2e%2e', 'a%00b', '__proto__'),
    oddText.map((s) => [...Buffer.from(s)].map((b) => `%${b.toString(16).padStart(2, '0')}`).join('')),
    base64url.filter((s) => s.length > 0),
  )
}

const query = fc.option(
  fc.oneof(
    fc.dictionary(fc.constantFrom('limit', 'before', 'userId', 'kind', 'a', '__proto__[x]'), fc.oneof(fc.string({ maxLength: 20 }), fc.integer().map(String))).map(
      (q) => new URLSearchParams(q).toString(),
    ),
    fc.constantFrom('a=1&a=2', 'limit=-1', 'limit=1e9', 'kind[]=x', '%zz=1'),
  ),
  { nil: undefined },
)

/** Any request aimed at one of `routes`, with hostile inputs in every part. */
export function fuzzRequest(routes: readonly CollectedRoute[], credentials: HostileCredentials): fc.Arbitrary<FuzzRequest> {
  return fc.constantFrom(...routes).chain((route) =>
    fc
      .record({
        method: fc.oneof({ weight: 9, arbitrary: fc.constant(route.method as Method) }, { weight: 1, arbitrary: fc.constantFrom(...METHODS) }),
        params: fc.array(paramArbitrary(credentials.knownIds), { minLength: 4, maxLength: 4 }),
        query,
        token: tokenArbitrary(credentials),
        otherToken: fc.option(tokenArbitrary(credentials), { nil: undefined }),
        placement: fc.oneof({ weight: 6, arbitrary: fc.constantFrom(0, 1) }, fc.nat({ max: 5 })),
        cookie: fc.option(fc.oneof(fc.constant(FUZZ_USER_COOKIE), fc.constantFrom(...credentials.cookies), headerText), { nil: undefined }),
        refreshHeader: fc.boolean(),
        contentType,
        body: bodyArbitrary(route),
        junkHeaders: fc.dictionary(fc.constantFrom('x-forwarded-for', 'x-forwarded-proto', 'origin', 'sec-fetch-site', 'accept', 'x-junk', 'user-agent', 'host'), headerText, { maxKeys: 3 }),
      })
      .map(({ method, params, query, token, otherToken, placement, cookie, refreshHeader, contentType, body, junkHeaders }) => {
        let i = 0
        const path = route.url.replace(/:[A-Za-z]+/g, () => params[i++ % params.length] ?? '1').replace(/\*$/, 'x')
        const headers: Record<string, string> = {
          ...junkHeaders,
          ...authHeaders(token, otherToken ?? undefined, placement),
          ...(cookie !== undefined ? { cookie } : {}),
          ...(refreshHeader ? { 'x-tokenauth-refresh': '1' } : {}),
          ...(contentType !== undefined ? { 'content-type': contentType } : {}),
        }
        // An empty Host makes no HTTP/1.1 request; Node itself refuses it before any app code.
        if (headers.host !== undefined && headers.host.trim() === '') delete headers.host
        const inject: InjectOptions = { method, url: query ? `${path}?${query}` : path, headers, ...(body !== undefined ? { payload: body } : {}) }
        return { route: `${route.method} ${route.url}`, inject }
      }),
  )
}
