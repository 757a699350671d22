import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createAppWithAlice, type LoginResult, type TestApp, countRows } from '../../test-support/test-app.js'

let t: TestApp
let alice: LoginResult
beforeEach(async () => {
  ({ t, alice } = await createAppWithAlice())
})
afterEach(async () => t.close())

const refresh = (headers: Record<string, string>) => t.app.inject({ method: 'POST', url: '/api/auth/refresh', headers })

describe('POST /api/auth/refresh', () => {
  it('signs a new token for the same session with the cookie alone', async () => {
    t.clock.advance(16 * 60 * 1000) // the first token has expired
    const response = await refresh({ cookie: alice.cookie, 'x-tokenauth-refresh': '1' })
    expect(response.statusCode).toBe(200)
    const body = response.json()
    expect(body.user.username).toBe('alice')
    expect(body.token).not.toBe(alice.token)
    expect(response.headers['cache-control']).toBe('no-store')
    expect((await t.app.inject({ url: '/api/me', headers: { token: body.token } })).statusCode).toBe(200)
  })

  it('requires the custom header (CSRF guard)', async () => {
    const response = await refresh({ cookie: alice.cookie })
    expect(response.statusCode).toBe(400)
    expect(response.json().error.message).toContain('x-tokenauth-refresh')
  })

  it('without a cookie: 401 missing_token', async () => {
    const response = await refresh({ 'x-tokenauth-refresh': '1' })
    expect(response.statusCode).toBe(401)
    expect(response.json().error.code).toBe('missing_token')
  })

  it('after logout: 401 revoked_token', async () => {
    await t.app.inject({ method: 'POST', url: '/api/auth/logout', headers: { token: alice.token } })
    const response = await refresh({ cookie: alice.cookie, 'x-tokenauth-refresh': '1' })
    expect(response.statusCode).toBe(401)
    expect(response.json().error.code).toBe('revoked_token')
  })

  it('after the idle timeout: 401 and the session is gone', async () => {
    t.clock.advance(31 * 60 * 1000)
    const response = await refresh({ cookie: alice.cookie, 'x-tokenauth-refresh': '1' })
    expect(response.statusCode).toBe(401)
    expect(await countRows(t.services, 'sessions')).toBe(0)
  })

  it('a forged cookie is not a session', async () => {
    const response = await refresh({ cookie: 'tokenauth.sid=forged.value', 'x-tokenauth-refresh': '1' })
    expect(response.statusCode).toBe(401)
  })
})
