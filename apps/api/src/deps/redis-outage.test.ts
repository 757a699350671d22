import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ALICE_PASSWORD, createTestApp, type LoginResult, type TestApp } from '../test-support/test-app.js'
import { startTestRedis, type TestRedis } from '../test-support/redis-server.js'

let redis: TestRedis
let t: TestApp
let alice: LoginResult

beforeAll(async () => {
  redis = await startTestRedis()
  t = await createTestApp({ REDIS_URL: redis.url })
  await t.addUser('alice', ALICE_PASSWORD)
  alice = await t.login('alice', ALICE_PASSWORD)
})
afterAll(async () => {
  await t.close()
  await redis.stop()
})

const me = () => t.app.inject({ method: 'GET', url: '/api/me', headers: { token: alice.token } })
const ready = () => t.app.inject({ method: 'GET', url: '/api/health/ready' })
const login = () => t.app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: 'alice', password: ALICE_PASSWORD } })

/** Retries `probe` until it answers `status`, for at most `ms`; answers how long it took. */
async function until(probe: () => Promise<{ statusCode: number }>, status: number, ms: number): Promise<number> {
  const started = Date.now()
  while ((await probe()).statusCode !== status) {
    if (Date.now() - started > ms) throw new Error(`still not ${status} after ${ms} ms`)
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
  return Date.now() - started
}

describe('Redis goes away mid-traffic, then comes back (a real redis-server)', () => {
  it('serves, then fails closed with 503 + Retry-After (never 500, never a hang), then recovers by itself', async () => {
    expect((await me()).statusCode).toBe(200)
    expect((await ready()).json()).toEqual({ status: 'ok' })

    await redis.stop()
    const started = Date.now()
    const answers = await Promise.all([me(), login(), me()])
    for (const answer of answers) {
      expect(answer.statusCode).toBe(503)
      expect(answer.headers['retry-after']).toBe('5')
      expect(answer.json()).toMatchObject({ error: { code: 'service_unavailable' } })
    }
    const notReady = await ready()
    expect(notReady.statusCode).toBe(503)
    expect(notReady.json()).toEqual({ status: 'unavailable', failing: ['redis'] })
    expect(Date.now() - started).toBeLessThan(3000)
    // Liveness does not depend on Redis: the process is fine, only not ready.
    expect((await t.app.inject({ method: 'GET', url: '/api/health' })).statusCode).toBe(200)

    await redis.start()
    expect(await until(me, 200, 5000)).toBeLessThan(5000)
    expect((await ready()).json()).toEqual({ status: 'ok' })
    expect((await login()).statusCode).toBe(200)
  })
})
