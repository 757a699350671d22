import { afterEach, describe, expect, it } from 'vitest'
import { createTestApp, type TestApp } from '../../test-support/test-app.js'

let t: TestApp
afterEach(async () => t.close())

const login = (username: string, password: string, ip = '127.0.0.1') =>
  t.app.inject({ method: 'POST', url: '/api/auth/login', payload: { username, password }, remoteAddress: ip })

/** What a client can observe of an answer, less what differs by nature (date, request counters, the request's own id). */
function observable(response: Awaited<ReturnType<typeof login>>) {
  const headers = Object.fromEntries(
    Object.entries(response.headers).filter(([name]) => !['date', 'x-ratelimit-remaining', 'x-ratelimit-reset', 'x-request-id'].includes(name)),
  )
  return { status: response.statusCode, body: response.body, headers }
}

describe('login throttle', () => {
  it('after 5 failures for a username: 429 with Retry-After, for the right password too; then it waits and lets in', async () => {
    t = await createTestApp()
    await t.addUser('alice', 'correct horse battery')
    for (let i = 0; i < 5; i++) expect((await login('alice', `wrong guess ${i}`, `10.0.0.${i}`)).statusCode).toBe(401)
    const throttled = await login('alice', 'correct horse battery', '10.0.0.99')
    expect(throttled.statusCode).toBe(429)
    expect(throttled.headers['retry-after']).toBe('1')
    expect(throttled.json()).toEqual({ error: { code: 'rate_limited', message: 'Too many failed sign-ins. Try again in 1 second.' } })
    t.clock.advance(1000)
    expect((await login('alice', 'wrong guess 6')).statusCode).toBe(401)
    expect((await login('alice', 'correct horse battery')).headers['retry-after']).toBe('2')
    t.clock.advance(2000)
    expect((await login('alice', 'correct horse battery')).statusCode).toBe(200)
    // The success cleared the username's failures.
    expect((await login('alice', 'wrong again')).statusCode).toBe(401)
  })

  it('answers an unknown username and a real one alike at every step: status, body, headers', async () => {
    t = await createTestApp()
    await t.addUser('alice', 'correct horse battery')
    for (let i = 0; i < 8; i++) {
      const known = observable(await login('alice', 'wrong password', '10.1.0.1'))
      const unknown = observable(await login('nobody', 'wrong password', '10.1.0.2'))
      expect(unknown, `attempt ${i + 1}`).toEqual(known)
      t.clock.advance(1500)
    }
  })

  it('after 20 failures from one address across usernames, that address waits; others do not', async () => {
    t = await createTestApp()
    for (let i = 0; i < 20; i++) expect((await login(`user${i}`, 'wrong password', '10.2.0.1')).statusCode).toBe(401)
    expect((await login('fresh-name', 'wrong password', '10.2.0.1')).statusCode).toBe(429)
    expect((await login('fresh-name', 'wrong password', '10.2.0.2')).statusCode).toBe(401)
  })

  it('takes its limits from LOGIN_* configuration', async () => {
    t = await createTestApp({ LOGIN_FAILURES_PER_ACCOUNT: '2', LOGIN_MAX_DELAY: '5s', LOGIN_FAILURE_WINDOW: '1m' })
    for (let i = 0; i < 6; i++) {
      await login('alice', 'wrong password')
      t.clock.advance(5000)
    }
    expect((await login('alice', 'wrong password')).statusCode).toBe(401)
    expect((await login('alice', 'wrong password')).headers['retry-after']).toBe('5') // 2^5 s, capped at 5 s
    t.clock.advance(60_000)
    expect((await login('alice', 'wrong password')).statusCode).toBe(401) // forgotten after a quiet minute
  })
})

describe('password-hash concurrency', () => {
  it('past MAX_CONCURRENT_HASHES and MAX_QUEUED_HASHES a login gets 503 with Retry-After, and counts as no failure', async () => {
    t = await createTestApp({ MAX_CONCURRENT_HASHES: '1', MAX_QUEUED_HASHES: '1', LOGIN_FAILURES_PER_ACCOUNT: '1' })
    await t.addUser('alice', 'correct horse battery')
    const answers = await Promise.all(Array.from({ length: 6 }, (_, i) => login(`user${i}`, 'correct horse battery', `10.3.0.${i}`)))
    const busy = answers.filter((r) => r.statusCode === 503)
    expect(answers.filter((r) => r.statusCode === 401)).toHaveLength(2)
    expect(busy).toHaveLength(4)
    for (const response of busy) {
      expect(response.headers['retry-after']).toBe('1')
      expect(response.json().error.code).toBe('service_unavailable')
    }
    // user2..user5 were never checked, so they have no failure to wait for.
    expect((await login('user5', 'wrong password', '10.3.0.5')).statusCode).toBe(401)
    expect((await login('alice', 'correct horse battery')).statusCode).toBe(200)
  })
})

describe('the general per-IP limit on /api', () => {
  it('refuses past RATE_LIMIT_MAX per window with 429 in the error shape and Retry-After; /api/health is exempt', async () => {
    t = await createTestApp({ RATE_LIMIT_MAX: '3', RATE_LIMIT_WINDOW: '1m' })
    const first = await t.app.inject({ url: '/api/me' })
    expect(first.statusCode).toBe(401)
    // Within the limit no rate-limit headers (see plugins/rate-limits.ts); past it, all of them.
    expect(first.headers['x-ratelimit-limit']).toBeUndefined()
    await t.app.inject({ url: '/api/nope' }) // unknown paths count too
    await t.app.inject({ url: '/api/setup' })
    const refused = await t.app.inject({ url: '/api/setup' })
    expect(refused.statusCode).toBe(429)
    expect(refused.headers['retry-after']).toBe('60')
    expect(refused.headers).toMatchObject({ 'x-ratelimit-limit': '3', 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': '60' })
    expect(refused.json()).toEqual({ error: { code: 'rate_limited', message: 'Too many requests from your address. Try again in 60 seconds.' } })
    for (let i = 0; i < 10; i++) expect((await t.app.inject({ url: '/api/health' })).statusCode).toBe(200)
    expect((await t.app.inject({ url: '/api/setup', remoteAddress: '10.4.0.1' })).statusCode).toBe(200)
    t.clock.advance(60_000)
    expect((await t.app.inject({ url: '/api/setup' })).statusCode).toBe(200)
  })
  it('counts a path however it is spelled: percent-encoding is no way around the limit', async () => {
    t = await createTestApp({ RATE_LIMIT_MAX: '2', RATE_LIMIT_WINDOW: '1m' })
    expect((await t.app.inject({ url: '/%61pi/setup' })).statusCode).toBe(200)
    expect((await t.app.inject({ url: '/api/%73etup' })).statusCode).toBe(200)
    expect((await t.app.inject({ url: '/%61pi/%73etup' })).statusCode).toBe(429)
    expect((await t.app.inject({ url: '/%61pi/me', headers: { token: 'a.b.c' } })).statusCode).toBe(429)
  })
})
