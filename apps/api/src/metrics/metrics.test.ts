import { afterEach, describe, expect, it } from 'vitest'
import { createTestApp, type TestApp } from '../test-support/test-app.js'
import { freePort } from '../test-support/free-port.js'
import { startTestRedis, type TestRedis } from '../test-support/redis-server.js'

const METRICS_TOKEN = 'metrics-token-for-the-test-0123456789abcdef'
const PASSWORD = 'correct horse battery'

let t: TestApp | undefined
let redis: TestRedis | undefined
afterEach(async () => {
  await t?.close()
  t = undefined
  await redis?.stop()
  redis = undefined
})

async function scrape(app: TestApp['app']): Promise<string> {
  const answer = await app.inject({ url: '/api/metrics', headers: { authorization: `Bearer ${METRICS_TOKEN}` } })
  expect(answer.statusCode).toBe(200)
  expect(answer.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/)
  return answer.body
}

/** The value of one series line, `name{labels} value`, or undefined when absent. */
function sample(text: string, series: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `))
  return line === undefined ? undefined : Number(line.slice(series.length + 1))
}

describe('metrics are off unless configured', () => {
  it('by default: no /api/metrics route (404) and nothing counted', async () => {
    t = await createTestApp()
    expect(t.services.metrics.enabled).toBe(false)
    const answer = await t.app.inject({ url: '/api/metrics', headers: { authorization: `Bearer ${METRICS_TOKEN}` } })
    expect(answer.statusCode).toBe(404)
  })

  it('with METRICS_PORT: the API port has no /api/metrics, even with METRICS_TOKEN set too', async () => {
    t = await createTestApp({ METRICS_PORT: String(await freePort()), METRICS_TOKEN })
    expect(t.services.metrics.enabled).toBe(true)
    expect((await t.app.inject({ url: '/api/metrics', headers: { authorization: `Bearer ${METRICS_TOKEN}` } })).statusCode).toBe(404)
  })
})

describe('GET /api/metrics behind METRICS_TOKEN', () => {
  it('refuses without the token, with a wrong one, and with an access token instead', async () => {
    t = await createTestApp({ METRICS_TOKEN })
    await t.addUser('alice', PASSWORD)
    const alice = await t.login('alice', PASSWORD)
    const none = await t.app.inject({ url: '/api/metrics' })
    expect(none.statusCode).toBe(401)
    expect(none.json()).toMatchObject({ error: { code: 'missing_token' } })
    expect(none.headers['www-authenticate']).toBe('Bearer realm="metrics"')
    for (const authorization of [`Bearer ${METRICS_TOKEN.slice(0, -1)}x`, `Bearer ${METRICS_TOKEN}x`, 'Bearer short', `Basic ${METRICS_TOKEN}`, `Bearer ${alice.token}`]) {
      const wrong = await t.app.inject({ url: '/api/metrics', headers: { authorization } })
      expect(wrong.statusCode, authorization).toBe(401)
      expect(wrong.json()).toMatchObject({ error: { code: 'invalid_token' } })
      expect(wrong.body).not.toContain('tokenauth_')
    }
    const withTokenHeader = await t.app.inject({ url: '/api/metrics', headers: { token: METRICS_TOKEN } })
    expect(withTokenHeader.statusCode).toBe(401)
  })

  it('counts requests by route pattern, method and status, their duration, refusals, sign-ins, sessions, the hash queue', async () => {
    t = await createTestApp({ METRICS_TOKEN })
    const app = t.app
    await t.addUser('alice', PASSWORD)
    const wrong = await app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: 'alice', password: 'not the password' } })
    expect(wrong.statusCode).toBe(401)
    await app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: 'nobody', password: 'not the password' } })
    const alice = await t.login('alice', PASSWORD)
    const bob = await t.login('alice', PASSWORD)
    for (let i = 0; i < 3; i++) expect((await app.inject({ url: '/api/me', headers: { token: alice.token } })).statusCode).toBe(200)
    await app.inject({ url: '/api/me' })
    await app.inject({ url: '/api/me', headers: { token: 'not.a.token' } })
    // Two different ids: one series for the route, not one per URL.
    await app.inject({ method: 'DELETE', url: '/api/notes/12345', headers: { token: alice.token } })
    await app.inject({ method: 'DELETE', url: '/api/notes/67890', headers: { token: alice.token } })
    await app.inject({ url: '/api/no-such-route/abc' })
    await app.inject({ url: '/api/no-such-route/def' })
    const logout = await app.inject({ method: 'POST', url: '/api/auth/logout', headers: { token: bob.token } })
    expect(logout.statusCode).toBe(204)

    const text = await scrape(app)
    expect(sample(text, 'tokenauth_http_requests_total{route="/api/me",method="GET",status="200"}')).toBe(3)
    expect(sample(text, 'tokenauth_http_requests_total{route="/api/me",method="GET",status="401"}')).toBe(2)
    expect(sample(text, 'tokenauth_http_requests_total{route="/api/notes/:id",method="DELETE",status="404"}')).toBe(2)
    expect(sample(text, 'tokenauth_http_requests_total{route="unmatched",method="GET",status="404"}')).toBe(2)
    expect(text).not.toContain('12345')
    expect(text).not.toContain('no-such-route')
    expect(sample(text, 'tokenauth_http_request_duration_seconds_count{route="/api/me",method="GET"}')).toBe(5)
    expect(sample(text, 'tokenauth_http_request_duration_seconds_bucket{le="+Inf",route="/api/me",method="GET"}')).toBe(5)
    expect(sample(text, 'tokenauth_auth_refusals_total{code="missing_token"}')).toBe(1)
    expect(sample(text, 'tokenauth_auth_refusals_total{code="malformed_token"}')).toBe(1)
    expect(sample(text, 'tokenauth_auth_refusals_total{code="invalid_credentials"}')).toBe(2)
    expect(sample(text, 'tokenauth_sign_ins_total{outcome="success"}')).toBe(2)
    expect(sample(text, 'tokenauth_sign_ins_total{outcome="wrong_password"}')).toBe(1)
    expect(sample(text, 'tokenauth_sign_ins_total{outcome="unknown_user"}')).toBe(1)
    expect(sample(text, 'tokenauth_sessions_started_total')).toBe(2)
    expect(sample(text, 'tokenauth_sessions_ended_total{reason="logout"}')).toBe(1)
    expect(sample(text, 'tokenauth_live_sessions')).toBe(1)
    expect(sample(text, 'tokenauth_hash_queue_length')).toBe(0)
    expect(sample(text, 'tokenauth_hash_running')).toBe(0)
    // Four sign-ins, each one verify (an unknown name against the dummy hash).
    expect(sample(text, 'tokenauth_hash_queue_wait_seconds_count')).toBe(4)
    expect(sample(text, 'tokenauth_event_loop_delay_seconds')).toEqual(expect.any(Number))
    expect(sample(text, 'tokenauth_heap_used_bytes')).toEqual(expect.any(Number))
    // prom-client's default process and Node.js series.
    expect(sample(text, 'process_cpu_user_seconds_total')).toBeGreaterThan(0)
    expect(text).toContain('nodejs_eventloop_lag_p99_seconds')
  })

  it('counts sign-ins refused by the throttle, and sessions that timed out', async () => {
    t = await createTestApp({ METRICS_TOKEN, LOGIN_FAILURES_PER_ACCOUNT: '1', SESSION_IDLE_TIMEOUT: '60', SESSION_ABSOLUTE_TIMEOUT: '3600' })
    const app = t.app
    await t.addUser('alice', PASSWORD)
    const alice = await t.login('alice', PASSWORD)
    await app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: 'alice', password: 'not the password' } })
    const throttled = await app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: 'alice', password: 'not the password' } })
    expect(throttled.statusCode).toBe(429)
    t.clock.advance(61_000)
    expect((await app.inject({ url: '/api/me', headers: { token: alice.token } })).statusCode).toBe(401)
    const text = await scrape(app)
    expect(sample(text, 'tokenauth_sign_ins_total{outcome="throttled"}')).toBe(1)
    expect(sample(text, 'tokenauth_sessions_ended_total{reason="idle_timeout"}')).toBe(1)
    expect(sample(text, 'tokenauth_auth_refusals_total{code="revoked_token"}')).toBe(1)
    expect(sample(text, 'tokenauth_live_sessions')).toBe(0)
  })

  it('counts store errors by engine, and still answers while Redis (the rate limit’s store) is down', async () => {
    redis = await startTestRedis()
    t = await createTestApp({ METRICS_TOKEN, REDIS_URL: redis.url })
    expect((await t.app.inject({ url: '/api/auth/login' })).statusCode).toBe(200)
    await redis.stop()
    const refused = await t.app.inject({ url: '/api/auth/login' })
    expect(refused.statusCode).toBe(503)
    const text = await scrape(t.app)
    expect(sample(text, 'tokenauth_store_errors_total{engine="redis"}')).toBeGreaterThanOrEqual(1)
  })
})
