import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { createTestApp, type TestApp, allRows } from '../../test-support/test-app.js'
import { hashPassword } from '../../auth/passwords.js'
import { asOperator } from '../../test-support/as-operator.js'

let t: TestApp
beforeEach(async () => {
  t = await createTestApp()
  await t.addUser('alice', 'correct horse battery')
})
afterEach(async () => {
  vi.restoreAllMocks()
  await t.close()
})

describe('POST /api/auth/login', () => {
  it('signs in and answers a token, its expiry, the user and an HttpOnly SameSite session cookie', async () => {
    const response = await t.app.inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: { username: 'alice', password: 'correct horse battery' },
    })
    expect(response.statusCode).toBe(200)
    const body = response.json()
    expect(body.tokenType).toBe('Bearer')
    expect(body.token.split('.')).toHaveLength(3)
    expect(body.user).toEqual({ id: 1, username: 'alice', roles: [] })
    expect(Date.parse(body.expiresAt)).toBe(t.clock() + 15 * 60 * 1000)
    expect(response.headers['cache-control']).toBe('no-store')
    const cookie = response.cookies.find((c) => c.name === 'tokenauth.sid')
    expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Lax', path: '/api' })
    expect(cookie?.secure).toBeFalsy()
    // The cookie session is stored in the database, not in memory.
    const rows = await allRows(t.services, 'sessions')
    expect(rows).toEqual([expect.objectContaining({ handle: expect.any(String), user_id: 1 })])
  })

  it('matches usernames without regard to case', async () => {
    const response = await t.app.inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: { username: 'ALICE', password: 'correct horse battery' },
    })
    expect(response.statusCode).toBe(200)
  })

  it('answers an unknown user and a wrong password with the same 401, body and headers', async () => {
    const unknown = await t.app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: 'mallory', password: 'whatever-123' } })
    const wrong = await t.app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: 'alice', password: 'whatever-123' } })
    expect(unknown.statusCode).toBe(401)
    expect(wrong.statusCode).toBe(401)
    expect(unknown.json()).toEqual({ error: { code: 'invalid_credentials', message: 'Incorrect username or password.' } })
    expect(wrong.body).toBe(unknown.body)
    expect(Object.keys(wrong.headers).sort()).toEqual(Object.keys(unknown.headers).sort())
    expect(unknown.cookies).toEqual([])
  })

  it('verifies an argon2id hash for an unknown user too, so both take the same time', async () => {
    const verify = vi.spyOn(t.services.passwords, 'verify')
    await t.app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: 'nobody', password: 'whatever-123' } })
    expect(verify).toHaveBeenCalledWith(t.services.dummyPasswordHash, 'whatever-123')
    expect(t.services.dummyPasswordHash).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/)
  })

  it('regenerates the session id at login and destroys the old session', async () => {
    const first = await t.login('alice', 'correct horse battery')
    const second = await t.app.inject({
      method: 'POST',
      url: '/api/auth/login',
      headers: { cookie: first.cookie },
      payload: { username: 'alice', password: 'correct horse battery' },
    })
    expect(second.statusCode).toBe(200)
    const newCookie = second.cookies.find((c) => c.name === 'tokenauth.sid')
    expect(`tokenauth.sid=${newCookie?.value}`).not.toBe(first.cookie)
    // The old session (and so its token) is gone; the new one works.
    const old = await t.app.inject({ url: '/api/me', headers: { token: first.token } })
    expect(old.statusCode).toBe(401)
    expect(old.json().error.code).toBe('revoked_token')
    const fresh = await t.app.inject({ url: '/api/me', headers: { token: second.json().token } })
    expect(fresh.statusCode).toBe(200)
  })

  it('keeps passwords whole: a 200-character password must match in full', async () => {
    const long = 'x'.repeat(199) + 'y'
    await t.addUser('bob', long)
    const truncated = await t.app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: 'bob', password: 'x'.repeat(199) + 'z' } })
    expect(truncated.statusCode).toBe(401)
    const whole = await t.app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: 'bob', password: long } })
    expect(whole.statusCode).toBe(200)
  })

  it.each([
    ['missing password', { username: 'alice' }],
    ['extra field', { username: 'alice', password: 'correct horse battery', admin: true }],
    ['wrong type', { username: 'alice', password: 12345678 }],
    ['array body', [1, 2]],
    ['empty username', { username: '', password: 'correct horse battery' }],
    ['password over 256 characters', { username: 'alice', password: 'p'.repeat(257) }],
  ])('refuses a body with a %s with 400 bad_request', async (_label, payload) => {
    const response = await t.app.inject({ method: 'POST', url: '/api/auth/login', payload })
    expect(response.statusCode).toBe(400)
    expect(response.json().error.code).toBe('bad_request')
  })

  it('answers a production login with a Secure __Host- cookie', async () => {
    const prod = await createTestApp({ NODE_ENV: 'production', TOKEN_KEYS: 'unused-but-required:' + 'A'.repeat(43), SESSION_SECRET: 's'.repeat(40), DATA_KEYS: 'unused-but-required:' + 'A'.repeat(43), TRUST_PROXY: '1' })
    try {
      await prod.addUser('carol', 'correct horse battery')
      const response = await prod.app.inject({
        method: 'POST',
        url: '/api/auth/login',
        payload: { username: 'carol', password: 'correct horse battery' },
        // @fastify/session refuses to send a Secure cookie over plain HTTP.
        headers: { 'x-forwarded-proto': 'https' },
      })
      expect(response.statusCode).toBe(200)
      const cookie = response.cookies.find((c) => c.name === '__Host-tokenauth.sid')
      expect(cookie).toMatchObject({ secure: true, httpOnly: true, sameSite: 'Lax', path: '/' })
      expect(cookie?.domain).toBeUndefined()
    } finally {
      await prod.close()
    }
  })
})

describe('behind one proxy (TRUST_PROXY=1)', () => {
  it('takes the address the proxy saw, not one the client wrote into X-Forwarded-For', async () => {
    const proxied = await createTestApp({ TRUST_PROXY: '1' })
    try {
      await proxied.addUser('dave', 'correct horse battery')
      const response = await proxied.app.inject({
        method: 'POST',
        url: '/api/auth/login',
        remoteAddress: '10.0.0.1',
        headers: { 'x-forwarded-for': '203.0.113.66, 198.51.100.7' },
        payload: { username: 'dave', password: 'correct horse battery' },
      })
      const sessions = await proxied.app.inject({ url: '/api/sessions', headers: { token: response.json().token } })
      expect(sessions.json().sessions[0].ip).toBe('198.51.100.7')
    } finally {
      await proxied.close()
    }
  })
})

describe('a change to the account while its password is being checked', () => {
  /** Runs `change` while the sign-in's hash check is in flight, as another request or instance would. */
  function changeDuringCheck(change: () => Promise<unknown>) {
    const verify = t.services.passwords.verify
    vi.spyOn(t.services.passwords, 'verify').mockImplementation(async (hash, password) => {
      const ok = await verify(hash, password)
      await change()
      return ok
    })
  }
  const signIn = () => t.app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: 'alice', password: 'correct horse battery' } })

  it('a password changed meanwhile: 401, and no session outlives it', async () => {
    const newHash = await hashPassword('a brand new passphrase')
    changeDuringCheck(() => asOperator(t.services.engine, (tx) => t.services.users.setPasswordHash(1, newHash, tx)))
    const response = await signIn()
    expect(response.statusCode).toBe(401)
    expect(response.json()).toEqual({ error: { code: 'invalid_credentials', message: expect.any(String) } })
    expect(await allRows(t.services, 'sessions')).toEqual([])
  })

  it('an account disabled meanwhile: 401, and no session', async () => {
    changeDuringCheck(() => asOperator(t.services.engine, (tx) => t.services.users.setDisabled(1, true, tx)))
    const response = await signIn()
    expect(response.statusCode).toBe(401)
    expect(await allRows(t.services, 'sessions')).toEqual([])
  })

  it('nothing changed: the same sign-in succeeds (the check itself does not refuse)', async () => {
    changeDuringCheck(async () => undefined)
    expect((await signIn()).statusCode).toBe(200)
    expect(await allRows(t.services, 'sessions')).toHaveLength(1)
  })
})
