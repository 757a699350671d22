import { afterEach, describe, expect, it } from 'vitest'
import { createAppWithAlice, type LoginResult, type TestApp } from '../test-support/test-app.js'

let t: TestApp | undefined
let blocking = false
afterEach(async () => {
  blocking = false
  await t?.close()
  t = undefined
})

/** Keeps the event loop busy in 150 ms slices, with a turn between them for the requests. */
function blockTheEventLoop(): void {
  blocking = true
  const slice = (): void => {
    if (!blocking) return
    const until = performance.now() + 150
    while (performance.now() < until) {
      // busy: what a CPU-bound stall looks like to the event loop
    }
    setImmediate(slice)
  }
  setImmediate(slice)
}

async function until<T>(probe: () => Promise<T>, done: (value: T) => boolean, ms: number): Promise<T> {
  const deadline = Date.now() + ms
  for (;;) {
    const value = await probe()
    if (done(value)) return value
    if (Date.now() > deadline) throw new Error(`condition not met within ${ms} ms`)
    await new Promise((resolve) => setTimeout(resolve, 20))
  }
}

describe('load shedding (@fastify/under-pressure)', () => {
  it('past the event-loop delay threshold: /api answers 503 with Retry-After, readiness says overloaded, liveness stays 200; then it recovers', async () => {
    let alice: LoginResult
    ;({ t, alice } = await createAppWithAlice({ OVERLOAD_EVENT_LOOP_DELAY_MS: '40' }))
    const app = t.app
    const me = () => app.inject({ url: '/api/me', headers: { token: alice.token } })
    expect((await me()).statusCode).toBe(200)
    expect((await app.inject({ url: '/api/health/ready' })).statusCode).toBe(200)

    blockTheEventLoop()
    const shed = await until(me, (answer) => answer.statusCode === 503, 15_000)
    expect(shed.json()).toEqual({ error: { code: 'service_unavailable', message: expect.stringMatching(/overloaded/) } })
    expect(shed.headers['retry-after']).toBe('5')
    expect(shed.headers['x-request-id']).toEqual(expect.any(String))
    expect(shed.headers['x-content-type-options']).toBe('nosniff')
    // Before any handler: not even the route's own refusal of a missing token.
    expect((await app.inject({ url: '/api/me' })).statusCode).toBe(503)
    expect((await app.inject({ url: '/api/health' })).statusCode).toBe(200)
    const ready = await app.inject({ url: '/api/health/ready' })
    expect(ready.statusCode).toBe(503)
    expect(ready.json()).toEqual({ status: 'overloaded' })
    expect(ready.headers['retry-after']).toBe('5')

    blocking = false
    expect((await until(me, (answer) => answer.statusCode !== 503, 15_000)).statusCode).toBe(200)
    expect((await app.inject({ url: '/api/health/ready' })).json()).toEqual({ status: 'ok' })
  }, 40_000)

  it('sheds nothing at 0 (off), however busy the loop', async () => {
    let alice: LoginResult
    ;({ t, alice } = await createAppWithAlice({ OVERLOAD_EVENT_LOOP_DELAY_MS: '0', RATE_LIMIT_MAX: '1000000' }))
    const app = t.app
    blockTheEventLoop()
    // Three sampler periods with the loop stalled in every turn.
    const started = Date.now()
    while (Date.now() - started < 3500) {
      expect((await app.inject({ url: '/api/me', headers: { token: alice.token } })).statusCode).toBe(200)
    }
  }, 30_000)

  it('past the heap threshold: 503 as well', async () => {
    let alice: LoginResult
    // 1 MiB: any running server is past it once the sampler has looked.
    ;({ t, alice } = await createAppWithAlice({ OVERLOAD_HEAP_USED_MB: '1', OVERLOAD_EVENT_LOOP_DELAY_MS: '0' }))
    const app = t.app
    const shed = await until(() => app.inject({ url: '/api/me', headers: { token: alice.token } }), (answer) => answer.statusCode === 503, 10_000)
    expect(shed.json()).toMatchObject({ error: { code: 'service_unavailable' } })
    expect((await app.inject({ url: '/api/health/ready' })).json()).toEqual({ status: 'overloaded' })
  }, 20_000)
})
