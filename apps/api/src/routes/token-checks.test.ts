import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createTokenSigner, generateSigningKey, KeyRing } from '@tokenauth/signer'
import { createAppWithAlice, createTestApp, type LoginResult, type TestApp, countRows } from '../test-support/test-app.js'
import { ACCESS_TOKEN_AUDIENCE, ACCESS_TOKEN_TYPE } from '../auth/access-tokens.js'
import { asOperator } from '../test-support/as-operator.js'

let t: TestApp
let alice: LoginResult
beforeEach(async () => {
  ({ t, alice } = await createAppWithAlice())
})
afterEach(async () => t.close())

const me = (headers: Record<string, string>) => t.app.inject({ url: '/api/me', headers })

/** The `sid` claim of a token (its payload is base64url JSON; the signature is not checked here). */
function sessionHandleOf(token: string): string {
  const payload = JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8')) as { sid: string }
  return payload.sid
}

describe('reading the token', () => {
  it('accepts the `token` header', async () => {
    const response = await me({ token: alice.token })
    expect(response.statusCode).toBe(200)
    expect(response.json()).toEqual({ id: 1, username: 'alice', roles: [] })
    expect(response.headers['cache-control']).toBe('no-store')
  })

  it.each(['Bearer', 'bearer', 'BEARER'])('accepts `Authorization: %s <token>`', async (scheme) => {
    expect((await me({ authorization: `${scheme} ${alice.token}` })).statusCode).toBe(200)
  })

  it('accepts both headers when they carry the same token', async () => {
    expect((await me({ token: alice.token, authorization: `Bearer ${alice.token}` })).statusCode).toBe(200)
  })

  it('refuses two different tokens with 400 and an invalid_request challenge (RFC 6750 §3.1)', async () => {
    const other = await t.login('alice', 'correct horse battery')
    const response = await me({ token: alice.token, authorization: `Bearer ${other.token}` })
    expect(response.statusCode).toBe(400)
    expect(response.json().error.code).toBe('bad_request')
    expect(response.headers['www-authenticate']).toMatch(/^Bearer realm="tokenauth", error="invalid_request"/)
  })
})

describe('refusals', () => {
  it('missing: 401 missing_token with a bare challenge', async () => {
    const response = await me({})
    expect(response.statusCode).toBe(401)
    expect(response.json()).toEqual({ error: { code: 'missing_token', message: 'Authentication is required.' } })
    expect(response.headers['www-authenticate']).toBe('Bearer realm="tokenauth"')
  })

  it.each([
    ['garbage', 'not a token at all'],
    ['two segments', 'abc.def'],
    ['characters outside base64url', 'a!b.c$d.e%f'],
    ['a 10 KB string', 'a'.repeat(10_000)],
  ])('malformed (%s): 401 malformed_token with error="invalid_token"', async (_label, token) => {
    const response = await me({ token })
    expect(response.statusCode).toBe(401)
    expect(response.json().error.code).toBe('malformed_token')
    expect(response.headers['www-authenticate']).toMatch(/^Bearer realm="tokenauth", error="invalid_token"/)
  })

  it('signed with a key the server does not know: 401 invalid_token', async () => {
    const stranger = createTokenSigner({
      keys: new KeyRing([generateSigningKey('test-1')]),
      audience: ACCESS_TOKEN_AUDIENCE,
      type: ACCESS_TOKEN_TYPE,
      ttlSeconds: 900,
      now: t.clock,
    })
    const { token } = await stranger.sign({ sub: '1', sid: 'whatever' })
    const response = await me({ token })
    expect(response.statusCode).toBe(401)
    expect(response.json().error.code).toBe('invalid_token')
  })

  it('a setup token is not an access token: 401 invalid_token', async () => {
    const setupToken = await t.services.setupTokens.issue()
    const response = await me({ token: setupToken })
    expect(response.statusCode).toBe(401)
    expect(response.json().error.code).toBe('invalid_token')
  })

  it('expired: 401 expired_token once the clock passes exp', async () => {
    t.clock.advance(14 * 60 * 1000)
    expect((await me({ token: alice.token })).statusCode).toBe(200)
    t.clock.advance(2 * 60 * 1000)
    const response = await me({ token: alice.token })
    expect(response.statusCode).toBe(401)
    expect(response.json().error.code).toBe('expired_token')
  })

  it('revoked by logout: 204, then the same token is refused with revoked_token', async () => {
    const logout = await t.app.inject({ method: 'POST', url: '/api/auth/logout', headers: { token: alice.token, cookie: alice.cookie } })
    expect(logout.statusCode).toBe(204)
    const cleared = logout.cookies.find((c) => c.name === 'tokenauth.sid')
    expect(cleared?.value).toBe('')
    const response = await me({ token: alice.token })
    expect(response.statusCode).toBe(401)
    expect(response.json().error.code).toBe('revoked_token')
    expect(await countRows(t.services, 'sessions')).toBe(0)
  })

  it('logout works with the token alone (no cookie), for API clients', async () => {
    const logout = await t.app.inject({ method: 'POST', url: '/api/auth/logout', headers: { authorization: `Bearer ${alice.token}` } })
    expect(logout.statusCode).toBe(204)
    expect((await me({ token: alice.token })).json().error.code).toBe('revoked_token')
  })

  it("a token whose sid names another user's session: 401 revoked_token, never that user", async () => {
    // Signed with the server's own key, so only the session check can tell: sub is bob, sid is alice's.
    const bob = await t.addUser('bob', 'correct horse battery')
    const { token } = await t.services.accessTokens.sign({ sub: String(bob.id), sid: sessionHandleOf(alice.token) })
    const response = await me({ token })
    expect(response.statusCode).toBe(401)
    expect(response.json().error.code).toBe('revoked_token')
  })

  it('a deleted user: their tokens stop working at once', async () => {
    await asOperator(t.services.engine, (tx) => t.services.users.removeById(alice.user.id, tx))
    expect((await me({ token: alice.token })).json().error.code).toBe('revoked_token')
  })

  it('idle timeout: a session unused for 30 minutes ends', async () => {
    const short = await createTestApp({ ACCESS_TOKEN_TTL: '2h' })
    try {
      await short.addUser('bob', 'correct horse battery')
      const bob = await short.login('bob', 'correct horse battery')
      short.clock.advance(29 * 60 * 1000)
      expect((await short.app.inject({ url: '/api/me', headers: { token: bob.token } })).statusCode).toBe(200)
      short.clock.advance(29 * 60 * 1000) // active 29 min ago: still live
      expect((await short.app.inject({ url: '/api/me', headers: { token: bob.token } })).statusCode).toBe(200)
      short.clock.advance(31 * 60 * 1000)
      const response = await short.app.inject({ url: '/api/me', headers: { token: bob.token } })
      expect(response.json().error.code).toBe('revoked_token')
    } finally {
      await short.close()
    }
  })

  it('absolute timeout: a busy session still ends after 12 hours', async () => {
    const long = await createTestApp({ ACCESS_TOKEN_TTL: '13h', SESSION_IDLE_TIMEOUT: '12h' })
    try {
      await long.addUser('bob', 'correct horse battery')
      const bob = await long.login('bob', 'correct horse battery')
      long.clock.advance(12 * 3600 * 1000 - 1000)
      expect((await long.app.inject({ url: '/api/me', headers: { token: bob.token } })).statusCode).toBe(200)
      long.clock.advance(1000)
      expect((await long.app.inject({ url: '/api/me', headers: { token: bob.token } })).json().error.code).toBe('revoked_token')
    } finally {
      await long.close()
    }
  })
})

describe('HEAD and OPTIONS', () => {
  it('HEAD follows GET: refused without a token, allowed with one', async () => {
    expect((await t.app.inject({ method: 'HEAD', url: '/api/me' })).statusCode).toBe(401)
    expect((await t.app.inject({ method: 'HEAD', url: '/api/me', headers: { token: alice.token } })).statusCode).toBe(200)
  })

  it('a plain OPTIONS is not a way around the check', async () => {
    const response = await t.app.inject({ method: 'OPTIONS', url: '/api/me' })
    expect(response.statusCode).not.toBe(200)
    expect(response.statusCode).toBeLessThan(500)
  })
})

describe('GET /api/health', () => {
  it('is public', async () => {
    const response = await t.app.inject({ url: '/api/health' })
    expect(response.statusCode).toBe(200)
    expect(response.json()).toEqual({ status: 'ok' })
  })
})
