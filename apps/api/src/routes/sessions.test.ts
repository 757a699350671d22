import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createTestApp, type TestApp } from '../test-support/test-app.js'

const CHROME_LINUX = 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36'
const SAFARI_IPHONE =
  'Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.0 Mobile/15E148 Safari/604.1'

let t: TestApp
let laptop: string
let phone: string
beforeEach(async () => {
  // Tokens outlive the idle timeout here, so the test can watch the session end.
  t = await createTestApp({ ACCESS_TOKEN_TTL: '1h' })
  await t.addUser('alice', 'correct horse battery')
  await t.addUser('bob', 'correct horse battery')
  const login = async (ua: string) =>
    (
      await t.app.inject({
        method: 'POST',
        url: '/api/auth/login',
        headers: { 'user-agent': ua },
        payload: { username: 'alice', password: 'correct horse battery' },
      })
    ).json().token as string
  laptop = await login(CHROME_LINUX)
  t.clock.advance(1000)
  phone = await login(SAFARI_IPHONE)
})
afterEach(async () => t.close())

const as = (token: string, method: 'GET' | 'DELETE', url: string) => t.app.inject({ method, url, headers: { token } })

describe('/api/sessions — my devices', () => {
  it('lists my sessions with device, browser, IP, times and which one is this', async () => {
    const response = await as(laptop, 'GET', '/api/sessions')
    expect(response.statusCode).toBe(200)
    const sessions = response.json().sessions
    expect(sessions).toHaveLength(2)
    expect(sessions).toContainEqual(expect.objectContaining({ client: { device: 'desktop', browser: 'Chrome', browserVersion: '131', os: 'Linux' }, ip: '127.0.0.1', current: true }))
    expect(sessions).toContainEqual(expect.objectContaining({ client: { device: 'mobile', browser: 'Safari', browserVersion: '17', os: 'iOS' }, current: false }))
  })

  it('ending another session takes effect on its very next request', async () => {
    const phoneSession = (await as(laptop, 'GET', '/api/sessions')).json().sessions.find((s: { current: boolean }) => !s.current)
    expect((await as(phone, 'GET', '/api/me')).statusCode).toBe(200)
    expect((await as(laptop, 'DELETE', `/api/sessions/${phoneSession.id}`)).statusCode).toBe(204)
    const refused = await as(phone, 'GET', '/api/me')
    expect(refused.statusCode).toBe(401)
    expect(refused.json().error.code).toBe('revoked_token')
    expect((await as(laptop, 'GET', '/api/me')).statusCode).toBe(200)
  })

  it('ends all but this one, and says how many', async () => {
    const response = await as(laptop, 'DELETE', '/api/sessions')
    expect(response.json()).toEqual({ ended: 1 })
    expect((await as(phone, 'GET', '/api/me')).statusCode).toBe(401)
    expect((await as(laptop, 'GET', '/api/sessions')).json().sessions).toHaveLength(1)
  })

  it("someone else's session answers 404, like one that does not exist", async () => {
    const bob = await t.login('bob', 'correct horse battery')
    const bobSession = (await as(bob.token, 'GET', '/api/sessions')).json().sessions[0].id
    expect((await as(laptop, 'DELETE', `/api/sessions/${bobSession}`)).statusCode).toBe(404)
    expect((await as(laptop, 'DELETE', '/api/sessions/no-such-session')).statusCode).toBe(404)
    expect((await as(bob.token, 'GET', '/api/me')).statusCode).toBe(200)
  })

  it('leaves out sessions past their idle timeout', async () => {
    t.clock.advance(20 * 60 * 1000)
    await as(laptop, 'GET', '/api/me')
    t.clock.advance(11 * 60 * 1000) // the phone has now been idle for 31 minutes
    const sessions = (await as(laptop, 'GET', '/api/sessions')).json().sessions
    expect(sessions.map((s: { current: boolean }) => s.current)).toEqual([true])
  })
})
