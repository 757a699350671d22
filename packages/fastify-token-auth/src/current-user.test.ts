import Fastify from 'fastify'
import { expect, it } from 'vitest'
import { currentUser, tokenAuth, type TokenAuthPrincipal } from './index.js'

it('returns the principal on a required route and throws (500) where there is none', async () => {
  const admin = { roles: ['admin'] } as unknown as TokenAuthPrincipal
  const app = Fastify()
  await app.register(tokenAuth, {
    verifyToken: (token) => (token === 'admin' ? { ok: true, principal: admin } : { ok: false, code: 'invalid_token' }),
  })
  const handler = async (request: Parameters<typeof currentUser>[0]) => ({ roles: currentUser(request).roles })
  app.get('/required', { config: { auth: 'required' } }, handler)
  app.get('/optional', { config: { auth: 'optional' } }, handler)

  expect((await app.inject({ url: '/required', headers: { token: 'admin' } })).json()).toEqual({ roles: ['admin'] })
  expect((await app.inject({ url: '/optional' })).statusCode).toBe(500)
  await app.close()
})
