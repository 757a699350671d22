import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { SECURITY_SERIES, type AuditKind, type SecuritySummary } from '@tokenauth/shared'
import { bucketCountQuery } from '../store/audit-store.js'
import { createTestApp, manualClock, type LoginResult, type TestApp } from '../test-support/test-app.js'

const HOUR = 3_600_000
const DAY = 24 * HOUR
/** "Now" for every test: 12:34:56 UTC, so the current hour and day are partial. */
const NOW = Date.UTC(2026, 2, 10, 12, 34, 56)
const PASSWORD = 'correct horse battery'

let t: TestApp
let admin: LoginResult
beforeEach(async () => {
  t = await createTestApp({ LOGIN_FAILURES_PER_ACCOUNT: '2' }, undefined, { clock: manualClock(NOW) })
  await t.addUser('root', PASSWORD, ['admin'])
  await t.addUser('alice', 'alice password 1')
  admin = await t.login('root', PASSWORD)
})
afterEach(async () => t.close())

const summary = (range: string, token = admin.token) => t.app.inject({ url: `/api/audit/summary?range=${range}`, headers: { token } })
const record = (kind: AuditKind, at: number) => t.services.auditStore.record({ at, kind, username: 'someone' })
const countsOf = (body: SecuritySummary) => Object.fromEntries(body.series.map((series) => [series.name, series.counts]))

describe('GET /api/audit/summary', () => {
  it('counts sign-ins, failed sign-ins and throttled tries per UTC hour of the last 24, zeros filled', async () => {
    const thisHour = Date.UTC(2026, 2, 10, 12)
    const oldestHour = thisHour - 23 * HOUR
    await record('login_succeeded', thisHour) // its first millisecond
    await record('login_failed', thisHour - 1) // the last of the hour before
    await record('second_factor_failed', thisHour - 1)
    await record('login_succeeded', oldestHour)
    await record('login_succeeded', oldestHour - 1) // 24 h and a moment ago: outside
    await record('token_renewed', thisHour) // not a sign-in
    await record('logout', thisHour)
    // Real tries through the API: two wrong passwords, then the throttle refuses two unchecked.
    const login = (password: string) => t.app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: 'alice', password } })
    expect((await login('wrong password 1')).statusCode).toBe(401)
    expect((await login('wrong password 2')).statusCode).toBe(401)
    expect((await login('alice password 1')).statusCode).toBe(429)
    expect((await login('wrong password 3')).statusCode).toBe(429)

    const response = await summary('24h')
    expect(response.statusCode).toBe(200)
    const body = response.json<SecuritySummary>()
    expect(body.range).toBe('24h')
    expect(body.bucket).toBe('hour')
    expect(body.buckets).toHaveLength(24)
    expect(body.buckets[0]).toBe('2026-03-09T13:00:00.000Z')
    expect(body.buckets[23]).toBe('2026-03-10T12:00:00.000Z')
    expect(body.series.map((series) => [series.name, series.kinds])).toEqual(SECURITY_SERIES.map((series) => [series.name, series.kinds]))
    const counts = countsOf(body)
    const zeros = new Array<number>(24).fill(0)
    // This hour: the recorded sign-in, the admin's own, and the API's wrong passwords and throttled tries.
    expect(counts.sign_ins).toEqual(zeros.map((_, i) => (i === 0 ? 1 : i === 23 ? 2 : 0)))
    expect(counts.failed_sign_ins).toEqual(zeros.map((_, i) => (i === 22 ? 2 : i === 23 ? 2 : 0)))
    expect(counts.throttled).toEqual(zeros.map((_, i) => (i === 23 ? 2 : 0)))
  })

  it('counts per UTC day of the last 30, the current day last', async () => {
    const today = Date.UTC(2026, 2, 10)
    const oldestDay = today - 29 * DAY
    await record('login_failed', oldestDay)
    await record('login_failed', oldestDay - 1) // outside
    await record('login_succeeded', today - DAY + 5 * HOUR)
    await record('login_succeeded', today - DAY + 23 * HOUR)
    await record('login_throttled', today - 3 * DAY)

    const body = (await summary('30d')).json<SecuritySummary>()
    expect(body.bucket).toBe('day')
    expect(body.buckets).toHaveLength(30)
    expect(body.buckets[0]).toBe('2026-02-09T00:00:00.000Z')
    expect(body.buckets[29]).toBe('2026-03-10T00:00:00.000Z')
    const counts = countsOf(body)
    expect(counts.failed_sign_ins?.[0]).toBe(1)
    expect(counts.failed_sign_ins?.reduce((a, b) => a + b)).toBe(1)
    expect(counts.sign_ins?.[28]).toBe(2)
    expect(counts.sign_ins?.[29]).toBe(1) // the admin's
    expect(counts.throttled?.[26]).toBe(1)
    expect(counts.throttled?.reduce((a, b) => a + b)).toBe(1)
  })

  it('moves with the clock: an hour later the window starts an hour later', async () => {
    await record('login_failed', Date.UTC(2026, 2, 9, 13, 30))
    expect(countsOf((await summary('24h')).json()).failed_sign_ins?.[0]).toBe(1)
    t.clock.advance(HOUR)
    const body = (await summary('24h', (await t.login('root', PASSWORD)).token)).json<SecuritySummary>()
    expect(body.buckets[0]).toBe('2026-03-09T14:00:00.000Z')
    expect(countsOf(body).failed_sign_ins?.every((n) => n === 0)).toBe(true)
  })

  it('is for admins only, like GET /api/audit, and knows two ranges', async () => {
    const alice = await t.login('alice', 'alice password 1')
    expect((await summary('24h', alice.token)).statusCode).toBe(403)
    expect((await t.app.inject({ url: '/api/audit/summary?range=24h' })).statusCode).toBe(401)
    for (const bad of ['7d', '', '24h&extra=1']) {
      const response = await summary(bad)
      expect(response.statusCode).toBe(400)
      expect(response.json()).toMatchObject({ error: { code: 'bad_request' } })
    }
    expect((await t.app.inject({ url: '/api/audit/summary', headers: { token: admin.token } })).statusCode).toBe(400)
  })

  it('records a throttled sign-in with its reason code and wait', async () => {
    const login = (password: string) => t.app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: 'alice', password } })
    await login('wrong password 1')
    await login('wrong password 2')
    const refused = await login('alice password 1')
    expect(refused.statusCode).toBe(429)
    const events = (await t.app.inject({ url: '/api/audit?kind=login_throttled', headers: { token: admin.token } })).json().events
    expect(events).toHaveLength(1)
    expect(events[0]).toMatchObject({ username: 'alice', userId: 2, detail: { reason: 'throttled', params: { retryAfterSeconds: Number(refused.headers['retry-after']) } } })
  })

  it('reads its range through the index on `at` (SQLite query plan)', async () => {
    const { engine } = t.services
    if (engine.kind !== 'sqlite') throw new Error('expected SQLite')
    const query = bucketCountQuery(engine.db, { from: NOW - DAY, size: HOUR, count: 24 }).compile()
    const plan = engine.sqlite.prepare(`EXPLAIN QUERY PLAN ${query.sql}`).all(...query.parameters) as { detail: string }[]
    const details = plan.map((row) => row.detail).join('\n')
    expect(details).toMatch(/SEARCH audit_events USING INDEX audit_events_at \(at>\? AND at<\?\)/)
    expect(details).not.toMatch(/SCAN audit_events/)
  })
})
