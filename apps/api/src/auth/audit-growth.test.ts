import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createTokenSigner, generateSigningKey, KeyRing } from '@tokenauth/signer'
import { ALICE_PASSWORD, countRows, createAppWithAlice, createTestApp, type LoginResult, type TestApp } from '../test-support/test-app.js'
import { collectRoutes, type CollectedRoute } from '../test-support/route-collector.js'
import { ACCESS_TOKEN_AUDIENCE, ACCESS_TOKEN_TYPE } from './access-tokens.js'
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

/**
 * Every route, sent what anyone can send without an account (a wrong password, an unknown
 * user, a token signed with a key the server lacks, a retired session cookie, a wrong setup
 * token), many times from many addresses: the audit log grows by at most the cap, plus one
 * event for the one session the retired cookie ends. A new route that records such events
 * outside the cap fails here.
 */
describe('audit log growth from unauthenticated requests to every route', () => {
  const CAP = 5
  let u: TestApp
  let routes: CollectedRoute[]

  beforeEach(async () => {
    const built = await collectRoutes(() =>
      createTestApp({
        AUDIT_UNAUTHENTICATED_PER_MINUTE: String(CAP),
        RATE_LIMIT_MAX: '1000000',
        LOGIN_FAILURES_PER_ACCOUNT: '1000000',
        LOGIN_FAILURES_PER_IP: '1000000',
        MAX_QUEUED_HASHES: '10000',
      }),
    )
    u = built.result
    routes = built.routes.filter((route) => route.method !== 'HEAD')
  })
  afterEach(async () => u.close())

  it(`records at most ${CAP} a minute, whichever route and credential is tried`, async () => {
    await u.addUser('alice', ALICE_PASSWORD, ['admin'])
    const session = await u.login('alice', ALICE_PASSWORD)
    // A cookie retired by a renewal, presented again after the grace window: a replay.
    const renewed = await u.app.inject({ method: 'POST', url: '/api/auth/refresh', headers: { cookie: session.cookie, 'x-tokenauth-refresh': '1' } })
    expect(renewed.statusCode).toBe(200)
    u.clock.advance(5 * 60_000)
    const foreignKey = createTokenSigner({ keys: new KeyRing([generateSigningKey('not-ours')]), audience: ACCESS_TOKEN_AUDIENCE, type: ACCESS_TOKEN_TYPE, ttlSeconds: 900, now: u.clock })
    const foreignToken = (await foreignKey.sign({ sub: String(session.user.id), sid: 'x' })).token
    const bodies = [
      { username: 'alice', password: 'not her password', setupToken: 'x' },
      { username: 'nobody', password: 'not anybody’s password', setupToken: 'x' },
    ]
    const before = await countRows(u.services, 'audit_events')

    let address = 0
    for (const route of routes) {
      const url = route.url.replace(/:([A-Za-z]+)/g, '1').replace(/\*$/, 'x')
      for (const body of bodies) {
        for (const headers of [{}, { token: foreignToken }, { authorization: `Bearer ${foreignToken}` }, { cookie: session.cookie, 'x-tokenauth-refresh': '1' }]) {
          const response = await u.app.inject({
            method: route.method as 'POST',
            url,
            headers,
            remoteAddress: `10.${(address >> 16) & 255}.${(address >> 8) & 255}.${address++ & 255}`,
            ...(route.method === 'GET' ? {} : { payload: body }),
          })
          expect([route.method, url, response.statusCode < 500]).toEqual([route.method, url, true])
        }
      }
    }
    const events = (await u.services.auditStore.page({ limit: 1000 })).events.slice(0, (await countRows(u.services, 'audit_events')) - before)
    const capped = events.filter((event) => event.kind === 'login_failed' || event.kind === 'key_not_found')
    expect(capped.length).toBe(CAP)
    expect(events.filter((event) => !capped.includes(event)).map((event) => event.kind)).toEqual(['renewal_replayed'])
  }, 120_000)
})
