import Fastify, { type FastifyInstance } from 'fastify'
import { afterEach, describe, expect, it } from 'vitest'
import { API_PREFIX } from '@tokenauth/shared'
import errorShape from './error-shape.js'
import rateLimits from './rate-limits.js'
import { MemoryRateLimitStore, type RateCounter, type RateLimitStore } from '../store/rate-limit-store.js'
import { DependencyUnavailableError } from '../http/unavailable-error.js'
import { manualClock } from '../test-support/test-app.js'
import type { Services } from '../services.js'

let app: FastifyInstance | undefined
afterEach(async () => app?.close())

/** The plugin alone, over `store`, with a limit of 2 a minute. */
async function limitedApp(store: RateLimitStore): Promise<FastifyInstance> {
  const clock = manualClock()
  const server = Fastify()
  server.decorate('services', { config: { rateLimitMax: 2, rateLimitWindowSeconds: 60 }, clock } as unknown as Services)
  await server.register(errorShape)
  await server.register(rateLimits, { requestStore: store })
  server.get(`${API_PREFIX}/thing`, async () => ({ ok: true }))
  server.get(`${API_PREFIX}/health`, async () => ({ status: 'ok' }))
  return server
}

/** A store that can only answer later (as Redis does): the plugin must await it. */
function awaitedOnly(inner: MemoryRateLimitStore): RateLimitStore {
  return {
    increment: async (key, windowMs, window) => {
      await new Promise((resolve) => setImmediate(resolve))
      return inner.increment(key, windowMs, window)
    },
    get: (key) => inner.get(key),
    delete: (key) => inner.delete(key),
    decrement: (key) => inner.decrement(key),
  }
}

function get(url: string, remoteAddress = '10.0.0.1') {
  if (app === undefined) throw new Error('no app')
  return app.inject({ url, remoteAddress })
}

describe('the per-IP request limit', () => {
  it.each([
    ['answering at once (memory, SQLite)', () => new MemoryRateLimitStore(manualClock())],
    ['answering later (Redis)', () => awaitedOnly(new MemoryRateLimitStore(manualClock()))],
  ])('counts every request with a store %s, refuses past the limit, leaves the health probe alone', async (_, store) => {
    app = await limitedApp(store())
    expect((await get('/api/thing')).statusCode).toBe(200)
    expect((await get('/api/nope')).statusCode).toBe(404)
    const refused = await get('/api/thing')
    expect(refused.statusCode).toBe(429)
    expect(refused.headers['retry-after']).toBe('60')
    expect(refused.json()).toEqual({ error: { code: 'rate_limited', message: 'Too many requests from your address. Try again in 60 seconds.' } })
    expect((await get('/api/health')).statusCode).toBe(200)
    expect((await get('/api/thing', '10.0.0.2')).statusCode).toBe(200)
  })

  it('counts the counters under the keys @fastify/rate-limit used, an IPv6 client by its /64', async () => {
    const keys: string[] = []
    const memory = new MemoryRateLimitStore(manualClock())
    app = await limitedApp({
      ...awaitedOnly(memory),
      incrementNow: (key, windowMs, window): RateCounter => {
        keys.push(key)
        return memory.incrementNow(key, windowMs, window)
      },
    })
    await get('/api/thing', '10.0.0.1')
    await get('/api/thing', '2001:db8:1:2::1')
    await get('/api/thing', '2001:db8:1:2:ffff::9')
    expect((await get('/api/thing', '2001:db8:1:2::abcd')).statusCode).toBe(429)
    expect((await get('/api/thing', '2001:db8:1:3::1')).statusCode).toBe(200)
    expect(keys).toEqual(['rate::10.0.0.1', ...Array<string>(3).fill('rate::2001:db8:1:2::'), 'rate::2001:db8:1:3::'])
  })

  it('refuses with 503 when the store cannot count (a limit that cannot be counted is not waived)', async () => {
    const down = new DependencyUnavailableError('redis', new Error('connection refused'))
    const memory = new MemoryRateLimitStore(manualClock())
    app = await limitedApp({ ...memory, increment: () => Promise.reject(down), get: memory.get, delete: memory.delete, decrement: memory.decrement })
    const answer = await get('/api/thing')
    expect(answer.statusCode).toBe(503)
    expect(answer.json().error.code).toBe('service_unavailable')
  })
})
