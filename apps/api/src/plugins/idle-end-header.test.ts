import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { REFRESH_HEADER, SESSION_IDLE_ENDS_IN_HEADER } from '@tokenauth/shared'
import { createTestApp, type TestApp } from '../test-support/test-app.js'

let t: TestApp
beforeEach(async () => {
  t = await createTestApp({ SESSION_IDLE_TIMEOUT: '120s' })
  await t.addUser('alice', 'alice password 1')
})
afterEach(async () => t.close())

describe('the idle end on every answer a session authenticated', () => {
  it("follows the server's idle clock, which moves at most once a minute", async () => {
    const alice = await t.login('alice', 'alice password 1')
    const idleEndsIn = async () => (await t.app.inject({ url: '/api/me', headers: { token: alice.token } })).headers[SESSION_IDLE_ENDS_IN_HEADER]

    expect(await idleEndsIn()).toBe('120000')
    // Within the minute the clock is not moved: the end stays where it was.
    t.clock.advance(30_000)
    expect(await idleEndsIn()).toBe('90000')
    // Past it, this request moves it: a whole timeout again.
    t.clock.advance(40_000)
    expect(await idleEndsIn()).toBe('120000')
    t.clock.advance(10_000)
    expect(await idleEndsIn()).toBe('110000')
  })

  it('a renewal restarts it; answers no session authenticated carry none', async () => {
    const alice = await t.login('alice', 'alice password 1')
    t.clock.advance(30_000)
    const renewed = await t.app.inject({ method: 'POST', url: '/api/auth/refresh', headers: { cookie: alice.cookie, [REFRESH_HEADER]: '1' } })
    expect(renewed.statusCode).toBe(200)
    expect(renewed.headers[SESSION_IDLE_ENDS_IN_HEADER]).toBe('120000')

    expect((await t.app.inject({ url: '/api/health' })).headers[SESSION_IDLE_ENDS_IN_HEADER]).toBeUndefined()
    const refused = await t.app.inject({ url: '/api/me', headers: { token: 'not-a-token' } })
    expect(refused.statusCode).toBe(401)
    expect(refused.headers[SESSION_IDLE_ENDS_IN_HEADER]).toBeUndefined()
  })
})
