import { randomUUID } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Redis } from 'ioredis'
import { connected, createRedisClient } from '../deps/redis-client.js'
import { DependencyUnavailableError } from '../http/unavailable-error.js'
import { freePort } from '../test-support/free-port.js'
import { startTestRedis, type TestRedis } from '../test-support/redis-server.js'
import { RedisRateLimitStore } from './redis-rate-limit-store.js'

let server: TestRedis
let a: Redis
let b: Redis
const clock = () => Date.now()

beforeAll(async () => {
  server = await startTestRedis()
  a = createRedisClient(server.url)
  b = createRedisClient(server.url)
  await Promise.all([connected(a), connected(b)])
})
afterAll(async () => {
  a.disconnect()
  b.disconnect()
  await server.stop()
})

describe('RedisRateLimitStore (a real redis-server)', () => {
  it('counts atomically across clients: 400 hits from two connections at once give 400 distinct counts', async () => {
    const prefix = `t:${randomUUID()}:`
    const one = new RedisRateLimitStore(a, prefix, clock)
    const two = new RedisRateLimitStore(b, prefix, clock)
    const hits = await Promise.all(
      Array.from({ length: 400 }, (_, i) => (i % 2 === 0 ? one : two).increment('k', 60_000, 'fixed')),
    )
    expect(new Set(hits.map((hit) => hit.count)).size).toBe(400)
    expect(Math.max(...hits.map((hit) => hit.count))).toBe(400)
    expect((await one.get('k'))?.count).toBe(400)
  })

  it('a fixed window ends a window after the first hit; a sliding one after the latest', async () => {
    const store = new RedisRateLimitStore(a, `t:${randomUUID()}:`, clock)
    await store.increment('fixed', 300, 'fixed')
    await store.increment('sliding', 300, 'sliding')
    await new Promise((resolve) => setTimeout(resolve, 200))
    await store.increment('fixed', 300, 'fixed')
    const slid = await store.increment('sliding', 300, 'sliding')
    expect(slid.expiresAt - Date.now()).toBeGreaterThan(200)
    await new Promise((resolve) => setTimeout(resolve, 150))
    expect(await store.get('fixed')).toBeUndefined()
    expect((await store.get('sliding'))?.count).toBe(2)
  })

  it('keeps the latest hit time and forgets a key on delete', async () => {
    const store = new RedisRateLimitStore(a, `t:${randomUUID()}:`, () => 1_700_000_000_000)
    await store.increment('k', 60_000, 'sliding')
    expect(await store.get('k')).toMatchObject({ count: 1, lastHitAt: 1_700_000_000_000 })
    await store.delete('k')
    expect(await store.get('k')).toBeUndefined()
  })

  it('decrement takes one back, forgets the key at zero, and never creates one', async () => {
    const store = new RedisRateLimitStore(a, `t:${randomUUID()}:`, clock)
    await store.increment('k', 60_000, 'sliding')
    await store.increment('k', 60_000, 'sliding')
    await store.decrement('k')
    expect((await store.get('k'))?.count).toBe(1)
    await store.decrement('k')
    expect(await store.get('k')).toBeUndefined()
    await store.decrement('missing')
    expect(await store.get('missing')).toBeUndefined()
  })

  it('separate prefixes never see each other’s counters', async () => {
    const id = randomUUID()
    const requests = new RedisRateLimitStore(a, `t:${id}:requests:`, clock)
    const logins = new RedisRateLimitStore(a, `t:${id}:logins:`, clock)
    await requests.increment('same-key', 60_000, 'fixed')
    expect(await logins.get('same-key')).toBeUndefined()
  })

  it('fails closed and fast when Redis is unreachable: a DependencyUnavailableError within a second', async () => {
    const nowhere = createRedisClient(`redis://127.0.0.1:${await freePort()}`)
    try {
      const store = new RedisRateLimitStore(nowhere, 't:', clock)
      const started = Date.now()
      await expect(store.increment('k', 1000, 'fixed')).rejects.toBeInstanceOf(DependencyUnavailableError)
      await expect(store.get('k')).rejects.toMatchObject({ statusCode: 503, code: 'service_unavailable', dependency: 'redis' })
      expect(Date.now() - started).toBeLessThan(1500)
    } finally {
      nowhere.disconnect()
    }
  })
})
