import Fastify, { type FastifyRequest } from 'fastify'
import { describe, expect, test } from 'tstyche'
import { currentUser, tokenAuth, type TokenAuthPrincipal, type TokenCheck } from '@tokenauth/fastify-token-auth'

// What an app adds to its principal, once, next to its verifyToken.
declare module '@tokenauth/fastify-token-auth' {
  interface TokenAuthPrincipal {
    readonly id: number
  }
}

const app = Fastify()

describe('request.user', () => {
  test('is the merged principal, or null', () => {
    expect<FastifyRequest['user']>().type.toBe<TokenAuthPrincipal | null>()
    expect<NonNullable<FastifyRequest['user']>['id']>().type.toBe<number>()
    expect<NonNullable<FastifyRequest['user']>['roles']>().type.toBe<readonly string[]>()
  })

  test('is what currentUser returns, never null', () => {
    expect(currentUser).type.toBe<(request: FastifyRequest) => TokenAuthPrincipal>()
  })

  test('checkToken and refuseToken are on the request and the reply', () => {
    expect<ReturnType<FastifyRequest['checkToken']>>().type.toBe<Promise<TokenCheck>>()
    app.get('/x', { config: { auth: 'public' } }, async (_request, reply) => {
      expect(reply.refuseToken).type.toBeCallableWith('missing_token')
      expect(reply.refuseToken).type.not.toBeCallableWith('no_such_code')
    })
  })
})

describe('the route option `auth`', () => {
  test('takes every rule form', () => {
    expect(app.get).type.toBeCallableWith('/a', { config: { auth: 'public' } }, async () => 'ok')
    expect(app.get).type.toBeCallableWith('/b', { config: { auth: 'optional' } }, async () => 'ok')
    expect(app.get).type.toBeCallableWith('/c', { config: { auth: 'required' } }, async () => 'ok')
    expect(app.get).type.toBeCallableWith('/d', { config: { auth: { roles: { anyOf: ['admin'], allOf: ['staff'] } } } }, async () => 'ok')
    expect(app.get).type.toBeCallableWith('/e', { config: { auth: { stepUp: { maxAge: 300 } } } }, async () => 'ok')
    expect(app.get).type.toBeCallableWith('/f', { config: { auth: { roles: { anyOf: ['admin'] }, stepUp: { maxAge: 300, factors: 'mfa' } } } }, async () => 'ok')
  })

  test('refuses a misspelt rule or a malformed role list', () => {
    expect(app.get).type.not.toBeCallableWith('/a', { config: { auth: 'requried' } }, async () => 'ok')
    expect(app.get).type.not.toBeCallableWith('/c', { config: { auth: { roles: { anyOf: 'admin' } } } }, async () => 'ok')
    expect(app.get).type.not.toBeCallableWith('/e', { config: { auth: { stepUp: { maxAge: '5m' } } } }, async () => 'ok')
    expect(app.get).type.not.toBeCallableWith('/e', { config: { auth: {} } }, async () => 'ok')
  })
})

describe('the options', () => {
  test('need verifyToken, answering the merged principal', () => {
    expect(app.register).type.toBeCallableWith(tokenAuth, {
      verifyToken: () => ({ ok: true as const, principal: { id: 1, roles: ['admin'] } }),
      decoratorName: 'user',
    })
    expect(app.register).type.toBeCallableWith(tokenAuth, {
      verifyToken: () => ({ ok: true as const, principal: { id: 1, roles: ['admin'] } }),
      stepUp: { authentication: (principal: TokenAuthPrincipal) => ({ time: principal.id, methods: ['pwd'] }) },
    })
    expect(app.register).type.not.toBeCallableWith(tokenAuth, { tokenHeader: 'token' })
    expect(app.register).type.not.toBeCallableWith(tokenAuth, {
      verifyToken: () => ({ ok: true as const, principal: { roles: ['admin'] } }),
    })
  })
})
