import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { AUDIT_PAGE_MAX } from '@tokenauth/shared'
import { createTestApp, type TestApp, allRows } from '../test-support/test-app.js'
import { pruneExpired } from '../housekeeping.js'

let t: TestApp
let admin: Awaited<ReturnType<TestApp['login']>>
beforeEach(async () => {
  t = await createTestApp()
  await t.addUser('root', 'correct horse battery', ['admin'])
  await t.addUser('alice', 'alice password 1')
  admin = await t.login('root', 'correct horse battery')
})
afterEach(async () => t.close())

const audit = (query = '', token = admin.token) => t.app.inject({ url: `/api/audit${query}`, headers: { token, 'user-agent': 'audit-test' } })

describe('the audit log', () => {
  it('records login success and failure, logout and renewal with time, user, IP and user agent', async () => {
    await t.app.inject({ method: 'POST', url: '/api/auth/login', headers: { 'user-agent': 'ua-1' }, payload: { username: 'alice', password: 'nope-nope' } })
    await t.app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: 'ghost', password: 'nope-nope' } })
    const alice = await t.login('alice', 'alice password 1')
    await t.app.inject({ method: 'POST', url: '/api/auth/refresh', headers: { cookie: alice.cookie, 'x-tokenauth-refresh': '1' } })
    await t.app.inject({ method: 'POST', url: '/api/auth/logout', headers: { token: alice.token } })

    const events = (await audit()).json().events
    expect(events.map((e: { kind: string }) => e.kind)).toEqual([
      'logout',
      'token_renewed',
      'login_succeeded',
      'login_failed',
      'login_failed',
      'login_succeeded',
    ])
    const [unknownUser, wrongPassword] = [events[3], events[4]]
    expect(wrongPassword).toMatchObject({ username: 'alice', userId: 2, ip: '127.0.0.1', userAgent: 'ua-1', detail: { reason: 'wrong_password' } })
    expect(unknownUser).toMatchObject({ username: 'ghost', userId: null, detail: { reason: 'unknown_user' } })
    expect(Date.parse(events[0].at)).toBe(t.clock())
  })

  it('never stores a token, a password or a cookie; sessions appear as a short hash', async () => {
    const alice = await t.login('alice', 'alice password 1')
    await t.app.inject({ method: 'POST', url: '/api/auth/logout', headers: { token: alice.token } })
    const rows = JSON.stringify(await allRows(t.services, 'audit_events'))
    expect(rows).not.toContain(alice.token)
    expect(rows).not.toContain(alice.token.split('.')[2])
    expect(rows).not.toContain('alice password 1')
    expect(rows).not.toContain(alice.cookie.split('=')[1]?.split('.')[0])
    const logout = (await audit('?kind=logout')).json().events[0]
    expect(logout.ref).toMatch(/^[0-9a-f]{12}$/)
  })

  it('filters by user and kind, and pages newest first', async () => {
    for (let i = 0; i < 5; i++) {
      await t.app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: 'alice', password: `wrong-${i}-xxxx` } })
    }
    const byAlice = (await audit('?userId=2&kind=login_failed&limit=2')).json()
    expect(byAlice.events).toHaveLength(2)
    expect(byAlice.events.every((e: { userId: number; kind: string }) => e.userId === 2 && e.kind === 'login_failed')).toBe(true)
    const ids: number[] = byAlice.events.map((e: { id: number }) => e.id)
    let before = byAlice.nextBefore
    while (before) {
      const page = (await audit(`?userId=2&kind=login_failed&limit=2&before=${before}`)).json()
      ids.push(...page.events.map((e: { id: number }) => e.id))
      before = page.nextBefore
    }
    expect(ids).toHaveLength(5)
    expect([...ids].sort((a, b) => b - a)).toEqual(ids)
  })

  it('leaves out one kind when asked, and reads the client as the Sessions view does', async () => {
    const chrome = 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/156.0.0.0 Safari/537.36'
    const alice = await t.login('alice', 'alice password 1')
    await t.app.inject({ method: 'POST', url: '/api/auth/refresh', headers: { cookie: alice.cookie, 'x-tokenauth-refresh': '1', 'user-agent': chrome } })
    const all = (await audit()).json().events.map((e: { kind: string }) => e.kind)
    expect(all).toContain('token_renewed')
    const withoutRenewals = (await audit('?excludeKind=token_renewed')).json().events
    expect(withoutRenewals.map((e: { kind: string }) => e.kind)).toEqual(all.filter((kind: string) => kind !== 'token_renewed'))
    const renewal = (await audit('?kind=token_renewed')).json().events[0]
    expect(renewal).toMatchObject({ userAgent: chrome, client: { device: 'desktop', browser: 'Chrome', browserVersion: '156', os: 'Linux' } })
    expect((await audit('?excludeKind=nonsense')).statusCode).toBe(400)
  })

  it('is for admins only and validates its query', async () => {
    const alice = await t.login('alice', 'alice password 1')
    expect((await audit('', alice.token)).statusCode).toBe(403)
    expect((await audit('?kind=nonsense')).statusCode).toBe(400)
    expect((await audit('?limit=1000')).statusCode).toBe(400)
    // The page size is AUDIT_PAGE_MAX at most, from the one constant.
    expect((await audit(`?limit=${AUDIT_PAGE_MAX}`)).statusCode).toBe(200)
    expect((await audit(`?limit=${AUDIT_PAGE_MAX + 1}`)).statusCode).toBe(400)
    expect((await audit('?extra=1')).statusCode).toBe(400)
  })

  it('prunes events older than AUDIT_RETENTION_DAYS', async () => {
    const before = (await t.services.auditStore.page({ limit: 100 })).events.length
    expect(before).toBeGreaterThan(0)
    t.clock.advance(91 * 24 * 3600 * 1000)
    expect((await pruneExpired(t.services)).auditEvents).toBe(before)
    expect((await t.services.auditStore.page({ limit: 100 })).events).toHaveLength(0)
  })
})
