import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { AuditKind, SecuritySummary } from '@tokenauth/shared'
import { createTestApp, manualClock, type TestApp } from '../test-support/test-app.js'

const HOUR = 3_600_000
const DAY = 24 * HOUR
const NOW = Date.UTC(2026, 2, 10, 12, 34, 56)
const PASSWORD = 'correct horse battery'
let t: TestApp
let token = ''

beforeAll(async () => {
  t = await createTestApp({}, undefined, { engine: 'postgres', clock: manualClock(NOW) })
  await t.addUser('root', PASSWORD, ['admin'])
  token = (await t.login('root', PASSWORD)).token
}, 60_000)
afterAll(async () => t.close())

const record = (kind: AuditKind, at: number) => t.services.auditStore.record({ at, kind, username: 'someone' })
const summary = async (range: '24h' | '30d') => {
  const response = await t.app.inject({ url: `/api/audit/summary?range=${range}`, headers: { token } })
  expect(response.statusCode).toBe(200)
  const body = response.json<SecuritySummary>()
  return Object.fromEntries(body.series.map((series) => [series.name, series.counts]))
}

describe('the security summary on PostgreSQL', () => {
  it('buckets by UTC hour and day with integer division, as on SQLite', async () => {
    const thisHour = Date.UTC(2026, 2, 10, 12)
    await record('login_failed', thisHour - 1)
    await record('second_factor_failed', thisHour - HOUR)
    await record('login_throttled', thisHour + 10 * 60_000)
    await record('login_succeeded', thisHour - 23 * HOUR)
    await record('login_succeeded', thisHour - 23 * HOUR - 1) // outside the 24 h
    await record('login_failed', Date.UTC(2026, 2, 10) - 29 * DAY)

    const hours = await summary('24h')
    expect(hours.failed_sign_ins?.[22]).toBe(2)
    expect(hours.throttled?.[23]).toBe(1)
    expect(hours.sign_ins?.[0]).toBe(1)
    expect(hours.sign_ins?.[23]).toBe(1) // the admin's own
    expect(hours.sign_ins?.reduce((a, b) => a + b)).toBe(2)

    const days = await summary('30d')
    expect(days.failed_sign_ins?.[0]).toBe(1)
    expect(days.failed_sign_ins?.[29]).toBe(2)
    expect(days.sign_ins?.[28]).toBe(2) // both of yesterday's, the one outside the 24 h too
    expect(days.sign_ins?.[29]).toBe(1)
    expect(days.throttled?.[29]).toBe(1)
  })
})
