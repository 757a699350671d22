import Fastify, { type FastifyInstance } from 'fastify'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { tokenAuth, type TokenAuthPrincipal } from './index.js'

/**
 * The request-level entry: a `public` route that accepts a token *or* something else asks
 * the plugin with `request.checkToken()`, and refuses with `reply.refuseToken()`.
 */
let app: FastifyInstance
beforeAll(async () => {
  app = Fastify()
  await app.register(tokenAuth, {
    realm: 'example',
    verifyToken: (token) => {
      if (token === 'alice') return { ok: true, principal: { roles: [], name: 'alice' } as unknown as TokenAuthPrincipal }
      if (token === 'down') throw new Error('store down')
      return { ok: false, code: 'revoked_token', detail: 'no session' }
    },
  })
  app.post('/either', { config: { auth: 'public' } }, async (request, reply) => {
    const check = await request.checkToken()
    if (check.ok) return { via: 'token', user: request.user }
    if (request.headers['x-other-credential'] === 'yes' && check.code === 'missing_token') return { via: 'other' }
    return reply.refuseToken(check.code, check.ok ? undefined : check.detail)
  })
  await app.ready()
})
afterAll(async () => app.close())

const post = (headers: Record<string, string>) => app.inject({ method: 'POST', url: '/either', headers })

describe('request.checkToken() and reply.refuseToken()', () => {
  it('finds a good token and sets request.user', async () => {
    const response = await post({ authorization: 'Bearer alice' })
    expect(response.json()).toEqual({ via: 'token', user: { roles: [], name: 'alice' } })
  })

  it('reports a missing token without answering, so the route may accept something else', async () => {
    expect((await post({ 'x-other-credential': 'yes' })).json()).toEqual({ via: 'other' })
  })

  it("refuses with the plugin's own answer: status, challenge with the realm, body", async () => {
    const revoked = await post({ token: 'bob' })
    expect(revoked.statusCode).toBe(401)
    expect(revoked.headers['www-authenticate']).toMatch(/^Bearer realm="example", error="invalid_token"/)
    expect(revoked.json().error.code).toBe('revoked_token')
    const missing = await post({})
    expect(missing.statusCode).toBe(401)
    expect(missing.headers['www-authenticate']).toBe('Bearer realm="example"')
  })

  it('reports malformed, conflicting and unverifiable tokens with their codes', async () => {
    expect((await post({ token: 'a b' })).json().error.code).toBe('malformed_token')
    expect((await post({ token: 'alice', authorization: 'Bearer bob' })).statusCode).toBe(400)
    expect((await post({ token: 'down' })).statusCode).toBe(503)
  })
})
