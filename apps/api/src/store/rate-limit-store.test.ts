import { describe, expect, it } from 'vitest'
import { manualClock } from '../test-support/test-app.js'
import { MemoryRateLimitStore, RateLimitStoreFullError } from './rate-limit-store.js'

describe('MemoryRateLimitStore', () => {
  it('counts hits in a fixed window that starts at the first hit', async () => {
    const clock = manualClock()
    const store = new MemoryRateLimitStore(clock)
    const start = clock()
    expect(await store.increment('k', 1000, 'fixed')).toEqual({ count: 1, lastHitAt: start, expiresAt: start + 1000 })
    clock.advance(600)
    expect(await store.increment('k', 1000, 'fixed')).toEqual({ count: 2, lastHitAt: start + 600, expiresAt: start + 1000 })
    clock.advance(400)
    expect(await store.get('k')).toBeUndefined()
    expect((await store.increment('k', 1000, 'fixed')).count).toBe(1)
  })

  it('keeps a sliding counter alive for a window after its latest hit', async () => {
    const clock = manualClock()
    const store = new MemoryRateLimitStore(clock)
    for (let i = 0; i < 5; i++) {
      await store.increment('k', 1000, 'sliding')
      clock.advance(900)
    }
    expect((await store.get('k'))?.count).toBe(5)
    clock.advance(100)
    expect(await store.get('k')).toBeUndefined()
  })

  it('deletes a key, and keeps keys apart', async () => {
    const store = new MemoryRateLimitStore(manualClock())
    await store.increment('a', 1000, 'fixed')
    await store.increment('b', 1000, 'fixed')
    await store.delete('a')
    expect(await store.get('a')).toBeUndefined()
    expect((await store.get('b'))?.count).toBe(1)
  })

  it('holds at most maxKeys, dropping the one hit least recently', async () => {
    const store = new MemoryRateLimitStore(manualClock(), 3)
    for (const key of ['a', 'b', 'c']) await store.increment(key, 1000, 'fixed')
    await store.increment('a', 1000, 'fixed')
    await store.increment('d', 1000, 'fixed')
    expect(store.size).toBe(3)
    expect(await store.get('b')).toBeUndefined()
    expect((await store.get('a'))?.count).toBe(2)
  })
})

describe('MemoryRateLimitStore counters in place', () => {
  it('answers copies: a counter a caller holds does not move with later hits', async () => {
    const store = new MemoryRateLimitStore(manualClock())
    const first = store.incrementNow('k', 1000, 'fixed')
    store.incrementNow('k', 1000, 'fixed')
    expect(first.count).toBe(1)
    expect((await store.get('k'))?.count).toBe(2)
  })

  it('spares counters hit since the last eviction pass, and never evicts the newcomer', async () => {
    const store = new MemoryRateLimitStore(manualClock(), 3)
    for (const key of ['a', 'b', 'c']) store.incrementNow(key, 1000, 'fixed')
    for (const key of ['a', 'b', 'c']) store.incrementNow(key, 1000, 'fixed')
    expect(store.incrementNow('d', 1000, 'fixed').count).toBe(1)
    expect(store.size).toBe(3)
    expect(store.incrementNow('d', 1000, 'fixed').count).toBe(2)
    // One of the three marked counters went (a full pass unmarked all, then the first in line).
    const counts = await Promise.all(['a', 'b', 'c'].map(async (key) => (await store.get(key))?.count))
    expect(counts.filter((count) => count === 2)).toHaveLength(2)
    expect(counts.filter((count) => count === undefined)).toHaveLength(1)
  })
})

describe('MemoryRateLimitStore.decrement', () => {
  it('takes one back, forgets the key at zero, and never creates one', async () => {
    const store = new MemoryRateLimitStore(manualClock())
    await store.increment('k', 1000, 'sliding')
    await store.increment('k', 1000, 'sliding')
    await store.decrement('k')
    expect((await store.get('k'))?.count).toBe(1)
    await store.decrement('k')
    expect(await store.get('k')).toBeUndefined()
    await store.decrement('missing')
    expect(await store.get('missing')).toBeUndefined()
  })
})

describe("MemoryRateLimitStore with 'refuse'", () => {
  it('never drops a live counter: a new key waits until one expires, a mustCount hit still goes in', async () => {
    const clock = manualClock()
    const store = new MemoryRateLimitStore(clock, 3, 'refuse')
    await store.increment('a', 1000, 'sliding')
    await store.increment('b', 5000, 'sliding')
    await store.increment('c', 5000, 'sliding')
    await expect(store.increment('d', 5000, 'sliding')).rejects.toEqual(new RateLimitStoreFullError(1000))
    clock.advance(400)
    await expect(store.increment('e', 5000, 'sliding')).rejects.toMatchObject({ retryAfterMs: 600 })
    expect((await Promise.all(['a', 'b', 'c'].map((key) => store.get(key)))).map((c) => c?.count)).toEqual([1, 1, 1])
    expect((await store.increment('kept', 5000, 'sliding', { mustCount: true })).count).toBe(1)
    expect(store.size).toBe(4)
    clock.advance(600)
    await store.delete('kept')
    // 'a' expired: swept to make room for the new key.
    expect((await store.increment('d', 5000, 'sliding')).count).toBe(1)
    expect(await store.get('a')).toBeUndefined()
    expect(store.size).toBe(3)
  })
})
