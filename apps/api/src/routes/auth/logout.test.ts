import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createAppWithAlice, type LoginResult, type TestApp, countRows } from '../../test-support/test-app.js'

let t: TestApp
let alice: LoginResult
beforeEach(async () => {
  ;({ t, alice } = await createAppWithAlice())
})
afterEach(async () => t.close())

const logout = (headers: Record<string, string>) => t.app.inject({ method: 'POST', url: '/api/auth/logout', headers })
const sessionCount = () => countRows(t.services, 'sessions')

describe('POST /api/auth/logout', () => {
  it('with the token and the cookie: 204, the session is gone, the cookie cleared', async () => {
    const response = await logout({ token: alice.token, cookie: alice.cookie })
    expect(response.statusCode).toBe(204)
    expect(response.cookies.find((c) => c.name === 'tokenauth.sid')?.value).toBe('')
    expect(await sessionCount()).toBe(0)
    const kinds = (await t.services.auditStore.page({ limit: 10, kind: 'logout' })).events
    expect(kinds).toHaveLength(1)
  })

  it('with an expired token and the cookie: still ends the session for real', async () => {
    t.clock.advance(16 * 60 * 1000)
    const response = await logout({ token: alice.token, cookie: alice.cookie })
    expect(response.statusCode).toBe(204)
    expect(await sessionCount()).toBe(0)
    const renew = await t.app.inject({ method: 'POST', url: '/api/auth/refresh', headers: { cookie: alice.cookie, 'x-tokenauth-refresh': '1' } })
    expect(renew.statusCode).toBe(401)
  })

  it('with an expired token alone: 401 expired_token, nothing ended', async () => {
    t.clock.advance(16 * 60 * 1000)
    const response = await logout({ token: alice.token })
    expect(response.statusCode).toBe(401)
    expect(response.json().error.code).toBe('expired_token')
    expect(await sessionCount()).toBe(1)
  })

  it('with nothing: 401 missing_token with a challenge', async () => {
    const response = await logout({})
    expect(response.statusCode).toBe(401)
    expect(response.json().error.code).toBe('missing_token')
    expect(response.headers['www-authenticate']).toBe('Bearer realm="tokenauth"')
  })

  it('from another site: refused by the CSRF guard, the session stays', async () => {
    const response = await logout({ cookie: alice.cookie, 'sec-fetch-site': 'cross-site', origin: 'https://evil.example' })
    expect(response.statusCode).toBe(403)
    expect(await sessionCount()).toBe(1)
  })
})
