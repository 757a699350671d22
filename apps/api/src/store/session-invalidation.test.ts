import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { Redis } from 'ioredis'
import { startTestRedis, type TestRedis } from '../test-support/redis-server.js'
import { DependencyUnavailableError } from '../http/unavailable-error.js'
import { LiveSessionCache, type InvalidationTarget } from './live-session-cache.js'
import { LEASE_MS, RedisSessionInvalidation } from './session-invalidation.js'
import type { LiveSessionView } from './session-store.js'

/** Three instances' caches and buses in one process, on a test-owned redis-server. */
let redis: TestRedis
let admin: Redis
interface Instance {
  readonly cache: LiveSessionCache
  readonly bus: RedisSessionInvalidation
  /** What it dropped, in order, each with the moment it did (instrumented, not inferred). */
  readonly dropped: { target: InvalidationTarget; at: number }[]
}
let instances: Instance[] = []
let ackDelayMs = 0

const view = (handle: string, userId = 1): LiveSessionView => ({
  handle,
  userId,
  username: 'alice',
  roles: [],
  disabled: false,
  mustChangePassword: false,
  hasSecondFactor: false,
  lastSeenAt: Date.now(),
  absoluteExpiresAt: Date.now() + 3_600_000,
})

async function startInstance(): Promise<Instance> {
  const cache = new LiveSessionCache()
  const dropped: Instance['dropped'] = []
  const bus = await RedisSessionInvalidation.start(redis.url, cache, {
    beforeAck: async (target) => {
      dropped.push({ target, at: performance.now() })
      if (ackDelayMs > 0) await new Promise((resolve) => setTimeout(resolve, ackDelayMs))
    },
  })
  return { cache, bus, dropped }
}

function fill(instance: Instance, ...handles: string[]): void {
  for (const handle of handles) instance.cache.put(view(handle), instance.cache.generation)
}

async function until(condition: () => boolean, ms: number): Promise<number> {
  const started = performance.now()
  while (!condition()) {
    if (performance.now() - started > ms) throw new Error(`not within ${ms} ms`)
    await new Promise((resolve) => setTimeout(resolve, 10))
  }
  return performance.now() - started
}

beforeAll(async () => {
  redis = await startTestRedis()
  admin = new Redis(redis.url)
  admin.on('error', () => undefined)
  instances = await Promise.all([startInstance(), startInstance(), startInstance()])
})
afterAll(async () => {
  await Promise.all(instances.map((instance) => instance.bus.close()))
  admin.disconnect()
  await redis.stop()
})

describe('invalidation with acknowledgement on a real redis-server', () => {
  it('every instance holds a lease once started', () => {
    for (const { cache } of instances) expect(cache.usable).toBe(true)
  })

  it('resolves only after every other instance has dropped the session', async () => {
    const [a, b, c] = instances
    if (!a || !b || !c) throw new Error('three instances')
    fill(b, 's1')
    fill(c, 's1')
    ackDelayMs = 300
    const started = performance.now()
    await a.bus.invalidate({ handles: ['s1'] })
    const resolvedAt = performance.now()
    ackDelayMs = 0
    expect(resolvedAt - started).toBeGreaterThanOrEqual(300)
    for (const other of [b, c]) {
      expect(other.cache.get('s1')).toBeUndefined()
      const drop = other.dropped.find((d) => d.target.handles?.includes('s1'))
      expect(drop?.at).toBeLessThan(resolvedAt)
    }
  })

  it('a thousand invalidations, each from a random instance, each dropped everywhere before it resolves', async () => {
    for (let i = 0; i < 1000; i++) {
      const handle = `t${i}`
      for (const instance of instances) fill(instance, handle)
      const writer = instances[Math.floor(Math.random() * instances.length)]
      await writer?.bus.invalidate({ handles: [handle] })
      for (const instance of instances) expect(instance.cache.get(handle)).toBeUndefined()
    }
  }, 30_000)

  it('drops every session of a user', async () => {
    const [a, b] = instances
    if (!a || !b) throw new Error('instances')
    b.cache.put(view('u1', 7), b.cache.generation)
    b.cache.put(view('u2', 7), b.cache.generation)
    b.cache.put(view('u3', 8), b.cache.generation)
    await a.bus.invalidate({ userIds: [7] })
    expect([b.cache.get('u1'), b.cache.get('u2')]).toEqual([undefined, undefined])
    expect(b.cache.get('u3')).toBeDefined()
  })

  it('an instance whose subscription is killed stops answering from its cache at once, and a write does not wait a lease for it', async () => {
    const [a, , c] = instances
    if (!a || !c) throw new Error('instances')
    fill(c, 'k1')
    const list = await admin.client('LIST')
    const line = String(list)
      .split('\n')
      .find((l) => l.includes(`name=${c.bus.connectionName}`))
    const id = /id=(\d+)/.exec(line ?? '')?.[1]
    expect(id).toBeDefined()
    await admin.client('KILL', 'ID', String(id))
    await until(() => !c.cache.usable, 1000)
    expect(c.cache.get('k1')).toBeUndefined()
    const started = performance.now()
    await a.bus.invalidate({ handles: ['k1'] })
    expect(performance.now() - started).toBeLessThan(LEASE_MS + 700)
    // It comes back by itself, empty, under a new member.
    await until(() => c.cache.usable, 5000)
    expect(c.cache.size).toBe(0)
  })

  it('a lease whose holder died (never acknowledges, never renews) bounds the wait', async () => {
    const [a] = instances
    if (!a) throw new Error('instances')
    const [seconds, micros] = (await admin.time()).map(Number)
    await admin.zadd('tokenauth:sessions:leases', (seconds ?? 0) * 1000 + Math.floor((micros ?? 0) / 1000) + LEASE_MS, 'deadinstance.0')
    const started = performance.now()
    await a.bus.invalidate({ handles: ['x'] })
    const waited = performance.now() - started
    expect(waited).toBeGreaterThan(LEASE_MS - 300)
    expect(waited).toBeLessThan(LEASE_MS + 700)
  })

  it('an instance that leaves gives its lease back: no write waits for it', async () => {
    const leaving = await startInstance()
    expect(leaving.cache.usable).toBe(true)
    await leaving.bus.close()
    const started = performance.now()
    await instances[0]?.bus.invalidate({ handles: ['y'] })
    expect(performance.now() - started).toBeLessThan(1000)
  })

  it('with Redis gone: every cache is unusable within a lease, and a write is answered 503', async () => {
    const [a] = instances
    if (!a) throw new Error('instances')
    await redis.stop()
    const waited = await until(() => instances.every((instance) => !instance.cache.usable), LEASE_MS)
    expect(waited).toBeLessThanOrEqual(LEASE_MS)
    await expect(a.bus.invalidate({ handles: ['z'] })).rejects.toBeInstanceOf(DependencyUnavailableError)
    await redis.start()
    await until(() => instances.every((instance) => instance.cache.usable), 5000)
    await a.bus.invalidate({ handles: ['z'] })
  }, 20_000)
})
