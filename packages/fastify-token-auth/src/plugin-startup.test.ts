import Fastify, { type FastifyInstance } from 'fastify'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { tokenAuth, type TokenAuthOptions, type TokenAuthPrincipal, type VerifyTokenResult } from './index.js'

/** Registration order, start-up refusal of routes without a valid rule, and option checks. */

const alice = { roles: ['user'] } as unknown as TokenAuthPrincipal
const verifyToken = vi.fn((token: string): VerifyTokenResult =>
  token === 'alice' ? { ok: true, principal: alice } : { ok: false, code: 'invalid_token' },
)
const handler = async () => ({ ok: true })

let app: FastifyInstance
let logLines: string[]

function create(): FastifyInstance {
  logLines = []
  app = Fastify({ logger: { level: 'error', stream: { write: (line: string) => logLines.push(line) } } })
  return app
}

afterEach(async () => {
  verifyToken.mockClear()
  await app.close()
})

describe('a route without a valid rule is refused at start-up', () => {
  it('in a plugin', async () => {
    create().register(tokenAuth, { verifyToken })
    app.register(async (child) => {
      child.get('/notes', handler)
    })
    await expect(app.ready()).rejects.toThrow(/route GET \/notes declares no auth rule/)
  })

  it('in a nested, prefixed child context', async () => {
    create().register(tokenAuth, { verifyToken })
    app.register(
      async (v1) => {
        v1.register(async (admin) => {
          admin.delete('/users/:id', handler)
        }, { prefix: '/admin' })
      },
      { prefix: '/v1' },
    )
    await expect(app.ready()).rejects.toThrow(/route DELETE \/v1\/admin\/users\/:id declares no auth rule/)
  })

  it('at the root, after `await app.register(tokenAuth)`: the route call itself throws', async () => {
    await create().register(tokenAuth, { verifyToken })
    expect(() => app.post('/notes', handler)).toThrow(/route POST \/notes declares no auth rule/)
  })

  it('for a multi-method route, naming every method', async () => {
    await create().register(tokenAuth, { verifyToken })
    expect(() => app.route({ method: ['GET', 'PUT'], url: '/x', handler })).toThrow(/route GET,PUT \/x/)
  })

  const invalidRules: ReadonlyArray<readonly [string, unknown, RegExp]> = [
    ['a misspelt keyword', 'Public', /not one of the rule forms/],
    ['null', null, /not one of the rule forms/],
    ['a number', 42, /not one of the rule forms/],
    ['an array', ['required'], /not one of the rule forms/],
    ['a wrong key', { role: { anyOf: ['admin'] } }, /`roles`, `stepUp` or both, and no other key/],
    ['an extra key', { roles: { anyOf: ['admin'] }, also: 'required' }, /`roles`, `stepUp` or both, and no other key/],
    ['roles not an object', { roles: ['admin'] }, /`roles` must be an object/],
    ['no lists', { roles: {} }, /needs `anyOf`, `allOf` or both/],
    ['an unknown list', { roles: { oneOf: ['admin'] } }, /unknown key `roles.oneOf`/],
    ['an empty anyOf', { roles: { anyOf: [] } }, /`roles.anyOf` is empty/],
    ['an empty allOf', { roles: { anyOf: ['admin'], allOf: [] } }, /`roles.allOf` is empty/],
    ['a string list', { roles: { anyOf: 'admin' } }, /must be an array/],
    ['an empty role name', { roles: { allOf: [''] } }, /non-empty strings/],
    ['a non-string role', { roles: { allOf: [1] } }, /non-empty strings/],
  ]
  it.each(invalidRules)('with an invalid rule: %s', async (_, auth, problem) => {
    create().register(tokenAuth, { verifyToken })
    app.register(async (child) => {
      child.get('/x', { config: { auth: auth as 'public' } }, handler)
    })
    const failure = app.ready()
    await expect(failure).rejects.toThrow(/route GET \/x has an invalid auth rule/)
    await expect(failure).rejects.toThrow(problem)
  })
})

describe('ruleForUndeclared', () => {
  it('gives a rule to routes added by other plugins, and can still refuse the rest', async () => {
    const ruleForUndeclared = vi.fn<NonNullable<TokenAuthOptions['ruleForUndeclared']>>((route) =>
      route.url.startsWith('/docs') ? 'public' : undefined,
    )
    await create().register(tokenAuth, { verifyToken, ruleForUndeclared })
    app.get('/docs/json', handler)
    expect(() => app.get('/secret', handler)).toThrow(/route GET \/secret declares no auth rule/)
    expect((await app.inject({ url: '/docs/json' })).statusCode).toBe(200)
    expect((await app.inject({ method: 'HEAD', url: '/docs/json' })).statusCode).toBe(200)
    expect(ruleForUndeclared.mock.calls.map(([route]) => `${String(route.method)} ${route.url}`)).toEqual([
      'GET /docs/json',
      'HEAD /docs/json',
      'GET /secret',
    ])
  })

  it('is not asked about routes that declare a rule, and its answer is validated', async () => {
    const ruleForUndeclared = vi.fn(() => ({ roles: {} }) as unknown as 'public')
    await create().register(tokenAuth, { verifyToken, ruleForUndeclared })
    app.get('/declared', { config: { auth: 'required' } }, handler)
    expect(ruleForUndeclared).not.toHaveBeenCalled()
    expect(() => app.get('/undeclared', handler)).toThrow(/route GET \/undeclared has an invalid auth rule/)
  })
})

describe('routes added before the plugin loaded', () => {
  it('are refused for everyone at run time (fail closed), with an error in the log', async () => {
    create().get('/early', { config: { auth: 'public' } }, handler)
    // Not awaited: the plugin loads later, so this route is not seen by its onRoute hook either.
    app.register(tokenAuth, { verifyToken })
    app.get('/too-early', { config: { auth: 'public' } }, handler)
    await app.ready()
    for (const url of ['/early', '/too-early']) {
      for (const headers of [{}, { token: 'alice' }]) {
        const response = await app.inject({ url, headers })
        expect(response.statusCode).toBe(403)
        expect(response.json()).toMatchObject({ error: { code: 'insufficient_role' } })
        expect(response.headers['www-authenticate']).toBeUndefined()
      }
    }
    expect(verifyToken).not.toHaveBeenCalled()
    expect(logLines.join('\n')).toContain('GET /early has no compiled auth rule')
  })

  it('still answer a real CORS preflight (e.g. the OPTIONS * route of a CORS plugin)', async () => {
    create().options('/*', async (_request, reply) => reply.code(204).send())
    await app.register(tokenAuth, { verifyToken })
    await app.ready()
    const preflight = await app.inject({
      method: 'OPTIONS',
      url: '/notes',
      headers: { origin: 'https://app.example', 'access-control-request-method': 'DELETE' },
    })
    expect(preflight.statusCode).toBe(204)
    expect((await app.inject({ method: 'OPTIONS', url: '/notes', headers: { token: 'alice' } })).statusCode).toBe(403)
  })
})

describe('registration', () => {
  it('decorates request.user with null', async () => {
    await create().register(tokenAuth, { verifyToken })
    expect(app.hasRequestDecorator('user')).toBe(true)
  })

  it('covers sibling plugins registered after it (fastify-plugin: not encapsulated)', async () => {
    create().register(tokenAuth, { verifyToken })
    app.register(async (notes) => {
      notes.get('/', { config: { auth: 'required' } }, handler)
    }, { prefix: '/notes' })
    await app.ready()
    expect((await app.inject({ url: '/notes' })).statusCode).toBe(401)
    expect((await app.inject({ url: '/notes', headers: { token: 'alice' } })).statusCode).toBe(200)
  })

  const invalidOptions: ReadonlyArray<readonly [string, Partial<TokenAuthOptions>, RegExp]> = [
    ['no verifyToken', { verifyToken: undefined }, /`verifyToken` must be a function/],
    ['a header name with a space', { tokenHeader: 'my token' }, /`tokenHeader` must be a header name/],
    ['authorization as the token header', { tokenHeader: 'Authorization' }, /cannot be `authorization`/],
    ['a scheme with a space', { scheme: 'Bearer x' }, /`scheme` must be an auth scheme/],
    ['a realm with a line break', { realm: 'api\r\nSet-Cookie: x=1' }, /`realm` must be printable ASCII/],
    ['a zero maxTokenLength', { maxTokenLength: 0 }, /`maxTokenLength` must be a positive integer/],
    ['onFailure not a function', { onFailure: 'log' as unknown as TokenAuthOptions['onFailure'] }, /`onFailure`/],
  ]
  it.each(invalidOptions)('refuses options with %s', async (_, options, problem) => {
    create().register(tokenAuth, { verifyToken, ...options } as TokenAuthOptions)
    await expect(app.ready()).rejects.toThrow(problem)
  })
})
