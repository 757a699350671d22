import { afterEach, describe, expect, it } from 'vitest'
import { createTestApp, type TestApp } from '../../test-support/test-app.js'

let t: TestApp
afterEach(async () => t.close())

const DAY = 86400

async function signIn(rememberMe?: boolean) {
  const response = await t.app.inject({
    method: 'POST',
    url: '/api/auth/login',
    payload: { username: 'alice', password: 'correct horse battery', ...(rememberMe === undefined ? {} : { rememberMe }) },
  })
  expect(response.statusCode).toBe(200)
  const cookie = response.cookies.find((c) => c.name === 'tokenauth.sid')
  const session = await t.app.inject({ url: '/api/session', headers: { token: response.json().token } })
  const view = session.json()
  // @fastify/session writes Expires (from the real clock), not Max-Age.
  const maxAge = cookie?.expires ? Math.round((cookie.expires.getTime() - Date.now()) / 1000) : undefined
  return { maxAge, lifetimeSeconds: (Date.parse(view.absoluteExpiresAt) - Date.parse(view.createdAt)) / 1000, view }
}

describe('"Keep me signed in on this device"', () => {
  it('gives the session and its cookie REMEMBER_ME_TIMEOUT (default 30 days); the idle timeout stays', async () => {
    t = await createTestApp()
    await t.addUser('alice', 'correct horse battery')
    expect((await t.app.inject({ url: '/api/auth/login' })).json()).toEqual({ rememberMeSeconds: 30 * DAY })

    const remembered = await signIn(true)
    expect(remembered.lifetimeSeconds).toBe(30 * DAY)
    expect(remembered.maxAge).toBeGreaterThan(30 * DAY - 60)
    expect(remembered.maxAge).toBeLessThanOrEqual(30 * DAY)
    expect((Date.parse(remembered.view.idleExpiresAt) - Date.parse(remembered.view.lastSeenAt)) / 1000).toBe(30 * 60)

    for (const choice of [false, undefined]) {
      const plain = await signIn(choice)
      expect(plain.lifetimeSeconds).toBe(12 * 3600)
      expect(plain.maxAge).toBeGreaterThan(12 * 3600 - 60)
      expect(plain.maxAge).toBeLessThanOrEqual(12 * 3600)
    }
  })

  it('a remembered session still ends at its absolute end, renewal included', async () => {
    t = await createTestApp({ REMEMBER_ME_TIMEOUT: '2d', SESSION_IDLE_TIMEOUT: '1d', SESSION_ABSOLUTE_TIMEOUT: '1d' })
    await t.addUser('alice', 'correct horse battery')
    const login = await t.login('alice', 'correct horse battery')
    const remembered = await t.app.inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: { username: 'alice', password: 'correct horse battery', rememberMe: true },
    })
    let rememberedCookie = `tokenauth.sid=${remembered.cookies.find((c) => c.name === 'tokenauth.sid')?.value}`
    let plainCookie = login.cookie
    /** Renews with a cookie; the answer's rotated cookie replaces it. */
    const renew = async (cookieHeader: string) => {
      const response = await t.app.inject({ method: 'POST', url: '/api/auth/refresh', headers: { 'x-tokenauth-refresh': '1', cookie: cookieHeader } })
      const next = response.cookies.find((c) => c.name === 'tokenauth.sid')
      return { status: response.statusCode, cookie: next ? `tokenauth.sid=${next.value}` : cookieHeader }
    }
    const HOUR = 3600 * 1000
    t.clock.advance(23 * HOUR)
    let plain = await renew(plainCookie)
    let kept = await renew(rememberedCookie)
    expect([plain.status, kept.status]).toEqual([200, 200])
    plainCookie = plain.cookie
    rememberedCookie = kept.cookie
    // Past the plain session's absolute end (1 day): it is over, the remembered one renews.
    t.clock.advance(2 * HOUR)
    plain = await renew(plainCookie)
    kept = await renew(rememberedCookie)
    expect([plain.status, kept.status]).toEqual([401, 200])
    // And the remembered one ends at its own absolute end (2 days), however active.
    t.clock.advance(22 * HOUR)
    kept = await renew(kept.cookie)
    expect(kept.status).toBe(200)
    t.clock.advance(1 * HOUR)
    expect((await renew(kept.cookie)).status).toBe(401)
  })

  it('REMEMBER_ME_TIMEOUT=0 turns the option off: the form hides it, and asking for it changes nothing', async () => {
    t = await createTestApp({ REMEMBER_ME_TIMEOUT: '0' })
    await t.addUser('alice', 'correct horse battery')
    expect((await t.app.inject({ url: '/api/auth/login' })).json()).toEqual({ rememberMeSeconds: 0 })
    expect((await signIn(true)).lifetimeSeconds).toBe(12 * 3600)
  })

  it('refuses a rememberMe that is not a boolean', async () => {
    t = await createTestApp()
    const response = await t.app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: 'a', password: 'b', rememberMe: 'yes' } })
    expect(response.statusCode).toBe(400)
    expect(response.json().error.code).toBe('bad_request')
  })
})
