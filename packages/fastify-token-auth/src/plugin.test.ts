import Fastify, { type FastifyInstance, type LightMyRequestResponse } from 'fastify'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { DEFAULT_MESSAGES as errorMessages, type TokenFailureReason as AuthFailureCode } from './messages.js'
import { tokenAuth, type AuthRule, type TokenAuthOptions, type TokenAuthPrincipal, type VerifyTokenResult } from './index.js'

/** Test principals carry only roles; apps may merge more fields into the type, hence the cast. */
function principal(roles: readonly string[]): TokenAuthPrincipal {
  return { roles } as unknown as TokenAuthPrincipal
}

const PRINCIPALS: Readonly<Record<string, TokenAuthPrincipal>> = {
  'alice': principal(['user']),
  'admin': principal(['user', 'admin']),
  'editor': principal(['editor']),
  'admin.editor': principal(['user', 'admin', 'editor']),
}

const FAILURE_CODES: readonly AuthFailureCode[] = [
  'missing_token',
  'malformed_token',
  'invalid_token',
  'expired_token',
  'revoked_token',
]

/** A fake session store: `alice`, `admin`, … are valid; `fail.<code>` fails with that code. */
function fakeVerifyToken(token: string): VerifyTokenResult | Promise<VerifyTokenResult> {
  if (token === 'throws') throw new Error('session store is down')
  if (token === 'rejects') return Promise.reject(new Error('session store is down'))
  if (token.startsWith('async.')) return Promise.resolve(fakeVerifyToken(token.slice('async.'.length)))
  if (token.startsWith('fail.')) return { ok: false, code: token.slice(5) as AuthFailureCode, detail: 'secret detail' }
  const found = PRINCIPALS[token]
  return found ? { ok: true, principal: found } : { ok: false, code: 'invalid_token', detail: 'unknown token' }
}

const ROUTES: ReadonlyArray<readonly [string, AuthRule]> = [
  ['/public', 'public'],
  ['/optional', 'optional'],
  ['/required', 'required'],
  ['/any-admin-editor', { roles: { anyOf: ['admin', 'editor'] } }],
  ['/all-admin-editor', { roles: { allOf: ['admin', 'editor'] } }],
  ['/user-and-any-admin-editor', { roles: { anyOf: ['admin', 'editor'], allOf: ['user'] } }],
]

let app: FastifyInstance
let verifyToken: ReturnType<typeof vi.fn<TokenAuthOptions['verifyToken']>>
let logLines: string[]

async function build(options: Partial<TokenAuthOptions> = {}, routes?: (app: FastifyInstance) => void) {
  logLines = []
  app = Fastify({ logger: { level: 'error', stream: { write: (line: string) => logLines.push(line) } } })
  await app.register(tokenAuth, { verifyToken, ...options })
  for (const [url, auth] of ROUTES) {
    app.get(url, { config: { auth } }, async (request) => ({ user: request.user }))
  }
  routes?.(app)
  await app.ready()
  return app
}

beforeEach(() => {
  verifyToken = vi.fn(fakeVerifyToken)
})
afterEach(async () => {
  await app.close()
})

function expectRefusal(response: LightMyRequestResponse, status: number, code: string, challenge: string | undefined) {
  expect(response.statusCode).toBe(status)
  expect(response.json()).toEqual({ error: { code, message: errorMessages[code as AuthFailureCode] } })
  expect(response.headers['www-authenticate']).toBe(challenge)
  expect(response.headers['cache-control']).toBe('no-store')
  expect(response.headers['content-type']).toBe('application/json; charset=utf-8')
}

const MISSING_CHALLENGE = 'Bearer realm="api"'
function invalidChallenge(code: AuthFailureCode) {
  return `Bearer realm="api", error="invalid_token", error_description="${errorMessages[code]}"`
}

describe('rules × tokens', () => {
  beforeEach(() => build())

  type Outcome = { status: 200; roles: readonly string[] | null } | { status: 401; code: AuthFailureCode } | { status: 403 }
  const ok = (roles: readonly string[] | null): Outcome => ({ status: 200, roles })
  const unauthorized = (code: AuthFailureCode): Outcome => ({ status: 401, code })
  const forbidden: Outcome = { status: 403 }

  /** What each route answers for a given principal name (or `null`: no token). */
  function outcomeFor(url: string, who: keyof typeof PRINCIPALS | null): Outcome {
    if (url === '/public') return ok(null)
    if (who === null) return url === '/optional' ? ok(null) : unauthorized('missing_token')
    const roles = PRINCIPALS[who]?.roles ?? []
    const has = (role: string) => roles.includes(role)
    switch (url) {
      case '/any-admin-editor':
        return has('admin') || has('editor') ? ok(roles) : forbidden
      case '/all-admin-editor':
        return has('admin') && has('editor') ? ok(roles) : forbidden
      case '/user-and-any-admin-editor':
        return has('user') && (has('admin') || has('editor')) ? ok(roles) : forbidden
      default:
        return ok(roles)
    }
  }

  function expectOutcome(response: LightMyRequestResponse, outcome: Outcome) {
    if (outcome.status === 200) {
      expect(response.statusCode).toBe(200)
      expect(response.json()).toEqual({ user: outcome.roles === null ? null : { roles: outcome.roles } })
    } else if (outcome.status === 401) {
      expectRefusal(
        response,
        401,
        outcome.code,
        outcome.code === 'missing_token' ? MISSING_CHALLENGE : invalidChallenge(outcome.code),
      )
    } else {
      expectRefusal(response, 403, 'insufficient_role', undefined)
    }
  }

  const presentations: ReadonlyArray<readonly [string, (token: string) => Record<string, string>]> = [
    ['token header', (token) => ({ token })],
    ['Authorization: Bearer', (token) => ({ authorization: `Bearer ${token}` })],
    ['authorization: bearer (lower case)', (token) => ({ authorization: `bearer ${token}` })],
    ['Authorization: BEARER with a tab and extra spaces', (token) => ({ authorization: `BEARER\t  ${token}` })],
  ]

  describe.each(ROUTES.map(([url]) => url))('%s', (url) => {
    it('without a token', async () => {
      const response = await app.inject({ url })
      expectOutcome(response, outcomeFor(url, null))
      expect(verifyToken).not.toHaveBeenCalled()
    })

    it.each(presentations)('with each valid token via %s', async (_, headers) => {
      for (const who of Object.keys(PRINCIPALS)) {
        const response = await app.inject({ url, headers: headers(who) })
        expectOutcome(response, outcomeFor(url, who))
      }
      if (url === '/public') expect(verifyToken).not.toHaveBeenCalled()
      else expect(verifyToken).toHaveBeenCalledTimes(Object.keys(PRINCIPALS).length)
    })

    it.each(FAILURE_CODES)('with a token verifyToken refuses as %s', async (code) => {
      for (const headers of [{ token: `fail.${code}` }, { authorization: `Bearer fail.${code}` }]) {
        const response = await app.inject({ url, headers })
        if (url === '/public') expectOutcome(response, ok(null))
        else expectRefusal(response, 401, code, code === 'missing_token' ? MISSING_CHALLENGE : invalidChallenge(code))
      }
      if (url === '/public') expect(verifyToken).not.toHaveBeenCalled()
      else expect(verifyToken).toHaveBeenCalledWith(`fail.${code}`, expect.objectContaining({ url }))
    })

    it('with an async verifyToken', async () => {
      const response = await app.inject({ url, headers: { token: 'async.admin.editor' } })
      expectOutcome(response, outcomeFor(url, 'admin.editor'))
      const refused = await app.inject({ url, headers: { token: 'async.fail.expired_token' } })
      if (url === '/public') expectOutcome(refused, ok(null))
      else expectRefusal(refused, 401, 'expired_token', invalidChallenge('expired_token'))
    })

    const garbage: ReadonlyArray<readonly [string, Record<string, string>]> = [
      ['a space inside', { token: 'abc def' }],
      ['comma-joined duplicates', { token: 'alice, alice' }],
      ['comma-joined Authorization', { authorization: 'Bearer alice, Bearer alice' }],
      ['non-ASCII', { token: 'alicé' }],
      ['a control character', { token: 'ali\u0001ce' }],
      ['quotes', { authorization: 'Bearer "alice"' }],
      ['= in the middle', { token: 'al=ice' }],
      ['only padding', { token: '===' }],
      ['4097 characters', { token: 'a'.repeat(4097) }],
    ]
    it.each(garbage)('with a malformed token (%s), without calling verifyToken', async (_, headers) => {
      const response = await app.inject({ url, headers })
      if (url === '/public') expectOutcome(response, ok(null))
      else expectRefusal(response, 401, 'malformed_token', invalidChallenge('malformed_token'))
      expect(verifyToken).not.toHaveBeenCalled()
    })
  })

  it('accepts a token of exactly 4096 token68 characters with padding', async () => {
    const token = `${'A1-._~+/'.repeat(511)}ab==`
    expect(token).toHaveLength(4092)
    const response = await app.inject({ url: '/required', headers: { token } })
    expectRefusal(response, 401, 'invalid_token', invalidChallenge('invalid_token'))
    expect(verifyToken).toHaveBeenCalledWith(token, expect.anything())
  })
})

describe('token headers', () => {
  beforeEach(() => build())

  it('accepts both headers when they carry the same token', async () => {
    const response = await app.inject({ url: '/required', headers: { token: 'admin', authorization: 'Bearer admin' } })
    expect(response.statusCode).toBe(200)
    expect(verifyToken).toHaveBeenCalledTimes(1)
  })

  it('answers 400 invalid_request when both headers carry different tokens (RFC 6750 §3.1)', async () => {
    for (const headers of [
      { token: 'alice', authorization: 'Bearer admin' },
      { token: 'alice', authorization: 'Bearer not valid' },
    ]) {
      const response = await app.inject({ url: '/required', headers })
      expectRefusal(response, 400, 'bad_request', 'Bearer realm="api", error="invalid_request"')
    }
    expect(verifyToken).not.toHaveBeenCalled()
  })

  it('treats another Authorization scheme as no token', async () => {
    const basic = await app.inject({ url: '/required', headers: { authorization: 'Basic dXNlcjpwYXNz' } })
    expectRefusal(basic, 401, 'missing_token', MISSING_CHALLENGE)
    const lookalike = await app.inject({ url: '/required', headers: { authorization: 'Bearerish alice' } })
    expectRefusal(lookalike, 401, 'missing_token', MISSING_CHALLENGE)
    const optional = await app.inject({ url: '/optional', headers: { authorization: 'Basic dXNlcjpwYXNz' } })
    expect(optional.json()).toEqual({ user: null })
    expect(verifyToken).not.toHaveBeenCalled()
  })

  it('uses the token header when Authorization carries another scheme', async () => {
    const response = await app.inject({
      url: '/required',
      headers: { token: 'alice', authorization: 'Basic dXNlcjpwYXNz' },
    })
    expect(response.statusCode).toBe(200)
    expect(verifyToken).toHaveBeenCalledWith('alice', expect.anything())
  })

  it('treats empty values as no token', async () => {
    for (const headers of [{ token: '' }, { token: '   ' }, { authorization: '' }, { authorization: 'Bearer' }, { authorization: 'Bearer   ' }]) {
      const response = await app.inject({ url: '/required', headers })
      expectRefusal(response, 401, 'missing_token', MISSING_CHALLENGE)
    }
    expect(verifyToken).not.toHaveBeenCalled()
  })
})

describe('HEAD follows GET', () => {
  beforeEach(() => build())

  it('on a required route', async () => {
    const anonymous = await app.inject({ method: 'HEAD', url: '/required' })
    expect(anonymous.statusCode).toBe(401)
    expect(anonymous.headers['www-authenticate']).toBe(MISSING_CHALLENGE)
    expect(anonymous.body).toBe('')
    const signedIn = await app.inject({ method: 'HEAD', url: '/required', headers: { token: 'alice' } })
    expect(signedIn.statusCode).toBe(200)
    expect(signedIn.body).toBe('')
  })

  it('on a roles route', async () => {
    expect((await app.inject({ method: 'HEAD', url: '/any-admin-editor', headers: { token: 'alice' } })).statusCode).toBe(403)
    expect((await app.inject({ method: 'HEAD', url: '/any-admin-editor', headers: { token: 'admin' } })).statusCode).toBe(200)
  })

  it('on a public route', async () => {
    const response = await app.inject({ method: 'HEAD', url: '/public', headers: { token: 'garbage token' } })
    expect(response.statusCode).toBe(200)
    expect(verifyToken).not.toHaveBeenCalled()
  })
})

describe('OPTIONS', () => {
  beforeEach(() =>
    build({}, (app) => {
      app.options('/resource', { config: { auth: 'required' } }, async (_request, reply) => reply.code(204).send())
    }),
  )
  const preflight = { origin: 'https://app.example', 'access-control-request-method': 'POST' }

  it('lets a real CORS preflight through to a route the plugin did not see (a CORS plugin\'s own)', async () => {
    await app.close()
    app = Fastify()
    app.options('/cors-preflight', async (_request, reply) => reply.code(204).send())
    await app.register(tokenAuth, { verifyToken })
    await app.ready()
    const response = await app.inject({ method: 'OPTIONS', url: '/cors-preflight', headers: preflight })
    expect(response.statusCode).toBe(204)
    expect(verifyToken).not.toHaveBeenCalled()
    // Without the preflight headers the same unruled route is refused.
    expect((await app.inject({ method: 'OPTIONS', url: '/cors-preflight' })).statusCode).toBe(403)
  })

  it('a declared route follows its rule even for preflight-shaped requests: two headers open nothing', async () => {
    const response = await app.inject({ method: 'OPTIONS', url: '/resource', headers: preflight })
    expectRefusal(response, 401, 'missing_token', MISSING_CHALLENGE)
  })

  it('checks any other OPTIONS request by the route rule', async () => {
    for (const headers of [{}, { origin: 'https://app.example' }, { 'access-control-request-method': 'POST' }]) {
      const response = await app.inject({ method: 'OPTIONS', url: '/resource', headers })
      expectRefusal(response, 401, 'missing_token', MISSING_CHALLENGE)
    }
    const signedIn = await app.inject({ method: 'OPTIONS', url: '/resource', headers: { token: 'alice' } })
    expect(signedIn.statusCode).toBe(204)
  })
})

describe('optional', () => {
  it('sets request.user to null without a token and to the principal with one', async () => {
    const seen: Array<TokenAuthPrincipal | null> = []
    await build({}, (app) => {
      app.get('/whoami', { config: { auth: 'optional' } }, async (request) => {
        seen.push(request.user)
        return null
      })
    })
    await app.inject({ url: '/whoami' })
    await app.inject({ url: '/whoami', headers: { token: 'admin' } })
    expect(seen).toEqual([null, PRINCIPALS.admin])
    expect(seen[1]).toBe(PRINCIPALS.admin)
  })
})

describe('when verifyToken fails', () => {
  beforeEach(() => build())

  it.each(['throws', 'rejects'])('answers 503 JSON when it %s, logs the error, and keeps serving', async (token) => {
    const response = await app.inject({ url: '/required', headers: { token } })
    expectRefusal(response, 503, 'service_unavailable', undefined)
    expect(response.body).not.toContain('session store is down')
    expect(logLines.join('\n')).toContain('session store is down')
    const next = await app.inject({ url: '/required', headers: { token: 'alice' } })
    expect(next.statusCode).toBe(200)
  })

  it('answers 503 when it returns something that is not a result', async () => {
    verifyToken.mockReturnValueOnce(undefined as unknown as VerifyTokenResult)
    const response = await app.inject({ url: '/required', headers: { token: 'alice' } })
    expectRefusal(response, 503, 'service_unavailable', undefined)
  })

  it('answers invalid_token when it returns a code that is not an auth failure code', async () => {
    const response = await app.inject({ url: '/required', headers: { token: 'fail.insufficient_role' } })
    expectRefusal(response, 401, 'invalid_token', invalidChallenge('invalid_token'))
  })
})

describe('around the hook', () => {
  it('leaves unknown paths to the 404 handler', async () => {
    await build()
    const response = await app.inject({ url: '/nope', headers: { token: 'garbage token' } })
    expect(response.statusCode).toBe(404)
    expect(response.headers['www-authenticate']).toBeUndefined()
    expect(verifyToken).not.toHaveBeenCalled()
  })

  it('checks before the body is parsed', async () => {
    await build({}, (app) => {
      app.post('/notes', { config: { auth: 'required' } }, async () => ({ created: true }))
    })
    const inject = (headers: Record<string, string>) =>
      app.inject({ method: 'POST', url: '/notes', headers: { 'content-type': 'application/json', ...headers }, payload: '{not json' })
    expectRefusal(await inject({}), 401, 'missing_token', MISSING_CHALLENGE)
    expect((await inject({ token: 'alice' })).statusCode).toBe(400)
  })

  it('sends refusals that no response schema or reply serializer can reshape', async () => {
    await build({}, (app) => {
      const other = { type: 'object', properties: { other: { type: 'string' } } }
      app.setReplySerializer(() => '"reshaped"')
      app.get(
        '/schema',
        { config: { auth: { roles: { anyOf: ['admin'] } } }, schema: { response: { 200: other, 401: other, 403: other, '4xx': other, '5xx': other } } },
        async () => ({ other: 'fine' }),
      )
    })
    expectRefusal(await app.inject({ url: '/schema' }), 401, 'missing_token', MISSING_CHALLENGE)
    expectRefusal(await app.inject({ url: '/schema', headers: { token: 'alice' } }), 403, 'insufficient_role', undefined)
    expectRefusal(await app.inject({ url: '/schema', headers: { token: 'throws' } }), 503, 'service_unavailable', undefined)
    expect((await app.inject({ url: '/schema', headers: { token: 'admin' } })).body).toBe('"reshaped"')
  })

  it('gives the same rule to every method of a multi-method route', async () => {
    await build({}, (app) => {
      app.route({ method: ['GET', 'DELETE'], url: '/multi', config: { auth: 'required' }, handler: async () => ({ ok: true }) })
    })
    for (const method of ['GET', 'DELETE', 'HEAD'] as const) {
      expect((await app.inject({ method, url: '/multi' })).statusCode).toBe(401)
      expect((await app.inject({ method, url: '/multi', headers: { token: 'alice' } })).statusCode).toBe(200)
    }
  })

  it('lets hooks registered after the plugin see request.user', async () => {
    let seen: TokenAuthPrincipal | null | undefined
    await build({}, (app) => {
      app.addHook('onRequest', async (request) => {
        seen = request.user
      })
    })
    await app.inject({ url: '/required', headers: { token: 'admin' } })
    expect(seen).toBe(PRINCIPALS.admin)
  })
})

describe('options', () => {
  it('reports every refusal to onFailure with the server-side detail, which never reaches the client', async () => {
    const onFailure = vi.fn<NonNullable<TokenAuthOptions['onFailure']>>()
    await build({ onFailure })
    const expired = await app.inject({ url: '/required', headers: { token: 'fail.expired_token' } })
    await app.inject({ url: '/any-admin-editor', headers: { token: 'alice' } })
    await app.inject({ url: '/required' })
    expect(onFailure.mock.calls.map(([request, code, detail]) => [request.url, code, detail])).toEqual([
      ['/required', 'expired_token', 'secret detail'],
      ['/any-admin-editor', 'insufficient_role', undefined],
      ['/required', 'missing_token', undefined],
    ])
    expect(expired.body).not.toContain('secret detail')
  })

  it('keeps the refusal when onFailure throws', async () => {
    await build({
      onFailure: () => {
        throw new Error('audit log is full')
      },
    })
    expectRefusal(await app.inject({ url: '/required' }), 401, 'missing_token', MISSING_CHALLENGE)
    expect(logLines.join('\n')).toContain('audit log is full')
  })

  it('reads a custom token header, scheme and realm', async () => {
    await build({ tokenHeader: 'X-Api-Token', scheme: 'Token', realm: 'the "inner" realm' })
    expect((await app.inject({ url: '/required', headers: { 'x-api-token': 'alice' } })).statusCode).toBe(200)
    expect((await app.inject({ url: '/required', headers: { authorization: 'token alice' } })).statusCode).toBe(200)
    const bearer = await app.inject({ url: '/required', headers: { token: 'alice', authorization: 'Bearer alice' } })
    expectRefusal(bearer, 401, 'missing_token', 'Token realm="the \\"inner\\" realm"')
  })

  it('reads only Authorization when tokenHeader is false', async () => {
    await build({ tokenHeader: false })
    expectRefusal(await app.inject({ url: '/required', headers: { token: 'alice' } }), 401, 'missing_token', MISSING_CHALLENGE)
    expect((await app.inject({ url: '/required', headers: { authorization: 'Bearer alice' } })).statusCode).toBe(200)
  })

  it('refuses tokens longer than maxTokenLength as malformed', async () => {
    await build({ maxTokenLength: 5 })
    expect((await app.inject({ url: '/required', headers: { token: 'alice' } })).statusCode).toBe(200)
    const long = await app.inject({ url: '/required', headers: { token: 'admin.editor' } })
    expectRefusal(long, 401, 'malformed_token', invalidChallenge('malformed_token'))
  })
})
