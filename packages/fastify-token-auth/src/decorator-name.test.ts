import Fastify, { type FastifyRequest } from 'fastify'
import { afterEach, describe, expect, it } from 'vitest'
import { currentUser, tokenAuth, type TokenAuthPrincipal, type VerifyTokenResult } from './index.js'

/** `decoratorName`: the request property that holds the principal, `user` unless renamed. */

const alice = { roles: ['admin'] } as unknown as TokenAuthPrincipal
const verifyToken = (token: string): VerifyTokenResult => (token === 'alice' ? { ok: true, principal: alice } : { ok: false, code: 'invalid_token' })
/** What a handler finds under a name, read without the plugin's types: `'absent'` if not decorated. */
const read = (request: FastifyRequest, name: string): unknown => (request as unknown as Record<string, unknown>)[name] ?? (name in request ? null : 'absent')

let app = Fastify()
afterEach(() => app.close())

async function serve(decoratorName: string | undefined) {
  app = Fastify()
  await app.register(tokenAuth, { verifyToken, ...(decoratorName === undefined ? {} : { decoratorName }) })
  const show = async (request: FastifyRequest) => ({
    user: read(request, 'user'),
    account: read(request, 'account'),
  })
  app.get('/required', { config: { auth: 'required' } }, show)
  app.get('/optional', { config: { auth: 'optional' } }, show)
  app.get('/current', { config: { auth: 'required' } }, async (request) => currentUser(request))
  app.get('/current-optional', { config: { auth: 'optional' } }, async (request) => currentUser(request))
  app.post('/either', { config: { auth: 'public' } }, async (request) => ({ check: (await request.checkToken()).ok, ...(await show(request)) }))
  return app
}

describe('decoratorName', () => {
  it('is `user` by default', async () => {
    await serve(undefined)
    expect((await app.inject({ url: '/required', headers: { token: 'alice' } })).json()).toEqual({ user: alice, account: 'absent' })
    expect((await app.inject({ url: '/current', headers: { token: 'alice' } })).json()).toEqual(alice)
  })

  it('puts the principal under another name and leaves `request.user` alone', async () => {
    await serve('account')
    expect((await app.inject({ url: '/required', headers: { token: 'alice' } })).json()).toEqual({ user: 'absent', account: alice })
    expect((await app.inject({ url: '/current', headers: { token: 'alice' } })).json()).toEqual(alice)
    expect((await app.inject({ method: 'POST', url: '/either', headers: { token: 'alice' } })).json()).toEqual({
      check: true,
      user: 'absent',
      account: alice,
    })
    // Declared, and null, where no one signed in.
    const anonymous = await app.inject({ url: '/optional' })
    expect(anonymous.json()).toEqual({ user: 'absent', account: null })
    expect((await app.inject({ url: '/current-optional' })).json()).toMatchObject({ message: expect.stringMatching(/read request\.account instead/) })
  })

  it('lets the plugin sit beside another that decorates `request.user` (as @fastify/jwt and @fastify/passport do)', async () => {
    const withJwtLikeUser = () => {
      app = Fastify()
      app.decorateRequest('user', null)
      return app
    }
    await expect(withJwtLikeUser().register(tokenAuth, { verifyToken }).ready()).rejects.toThrow(/already been added|already present/i)
    await app.close()
    await withJwtLikeUser().register(tokenAuth, { verifyToken, decoratorName: 'account' })
    app.get('/both', { config: { auth: 'required' } }, async (request) => ({ user: read(request, 'user'), account: read(request, 'account') }))
    expect((await app.inject({ url: '/both', headers: { token: 'alice' } })).json()).toEqual({ user: null, account: alice })
  })

  it.each(['', 'my-user', '1st', 42])('refuses %j at start-up', async (decoratorName) => {
    app = Fastify()
    await expect(app.register(tokenAuth, { verifyToken, decoratorName: decoratorName as string }).ready()).rejects.toThrow(
      /`decoratorName` must be an identifier/,
    )
  })
})
