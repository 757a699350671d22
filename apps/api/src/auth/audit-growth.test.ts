import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { ALICE_PASSWORD, createAppWithAlice, type LoginResult, type TestApp } from '../test-support/test-app.js'
import { STORED_USER_AGENT_MAX } from './user-agent.js'

/** Nobody may grow the audit log without bound: not by failing sign-ins, not by renewing. */
let t: TestApp
let alice: LoginResult
beforeEach(async () => {
  ;({ t, alice } = await createAppWithAlice({ AUDIT_UNAUTHENTICATED_PER_MINUTE: '5', RATE_LIMIT_MAX: '10000' }))
})
afterEach(async () => t.close())

const count = async (kind: 'login_failed' | 'token_renewed') => (await t.services.auditStore.page({ kind, limit: 1000 })).events.length

describe('audit log growth', () => {
  it('caps failed sign-ins recorded per minute across all addresses and usernames', async () => {
    for (let i = 0; i < 12; i++) {
      const response = await t.app.inject({
        method: 'POST',
        url: '/api/auth/login',
        remoteAddress: `10.0.0.${i + 1}`,
        payload: { username: `nobody-${i}`, password: 'wrong password' },
      })
      expect(response.statusCode).toBe(401)
    }
    expect(await count('login_failed')).toBe(5)
    t.clock.advance(60_000)
    await t.app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: 'nobody', password: 'wrong password' } })
    expect(await count('login_failed')).toBe(6)
  })

  it('keeps one renewal event per session, however often it renews', async () => {
    let cookie = alice.cookie
    for (let i = 0; i < 20; i++) {
      const response = await t.app.inject({ method: 'POST', url: '/api/auth/refresh', headers: { cookie, 'x-tokenauth-refresh': '1' } })
      expect(response.statusCode).toBe(200)
      const next = response.cookies.find((c) => c.name === 'tokenauth.sid')
      cookie = `${next?.name}=${next?.value}`
      t.clock.advance(1000)
    }
    expect(await count('token_renewed')).toBe(1)
    // Another session has its own.
    const again = await t.login('alice', ALICE_PASSWORD)
    await t.app.inject({ method: 'POST', url: '/api/auth/refresh', headers: { cookie: again.cookie, 'x-tokenauth-refresh': '1' } })
    expect(await count('token_renewed')).toBe(2)
  })

  it(`stores at most ${STORED_USER_AGENT_MAX} characters of a user agent, in sessions and audit events`, async () => {
    const userAgent = 'x'.repeat(512)
    await t.app.inject({ method: 'POST', url: '/api/auth/login', headers: { 'user-agent': userAgent }, payload: { username: 'alice', password: ALICE_PASSWORD } })
    const event = (await t.services.auditStore.page({ kind: 'login_succeeded', limit: 1 })).events[0]
    expect(event?.userAgent).toHaveLength(STORED_USER_AGENT_MAX)
    const sessions = await t.services.sessions.listByUser(alice.user.id)
    expect(Math.max(...sessions.map((s) => s.userAgent?.length ?? 0))).toBe(STORED_USER_AGENT_MAX)
  })
})
