import { describe, expect, it } from 'vitest'
import { cachedSessionFinder, LiveSessionCache } from './live-session-cache.js'
import type { LiveSessionView } from './session-store.js'

const view = (handle: string, userId = 1, lastSeenAt = 1_000): LiveSessionView => ({
  handle,
  userId,
  username: `user${userId}`,
  roles: [],
  disabled: false,
  mustChangePassword: false,
  hasSecondFactor: false,
  lastSeenAt,
  absoluteExpiresAt: 10_000_000,
})

/** A cache on a hand-moved monotonic clock. */
function cacheAt(start = 0, maxEntries = 10) {
  const time = { now: start }
  return { time, cache: new LiveSessionCache(maxEntries, () => time.now) }
}

describe('LiveSessionCache', () => {
  it('answers nothing without a lease, and empties itself when the lease runs out', () => {
    const { time, cache } = cacheAt()
    cache.put(view('a'), cache.generation)
    expect(cache.get('a')).toBeUndefined()
    cache.extendLease(2_000)
    cache.put(view('a'), cache.generation)
    expect(cache.get('a')).toEqual(view('a'))
    time.now = 2_000
    expect(cache.get('a')).toBeUndefined()
    expect(cache.size).toBe(0)
  })

  it('coming back from a lapse that nobody read through, it still starts empty', () => {
    const { time, cache } = cacheAt()
    cache.extendLease(2_000)
    cache.put(view('a'), cache.generation)
    time.now = 5_000 // stopped past its lease; no request came in meanwhile
    cache.extendLease(7_000)
    expect(cache.get('a')).toBeUndefined()
  })

  it('keeps no read that began before an invalidation, a lapse or the lease itself', () => {
    const { cache } = cacheAt()
    const beforeLease = cache.generation
    cache.extendLease(2_000)
    cache.put(view('a'), beforeLease)
    expect(cache.get('a')).toBeUndefined()
    const started = cache.generation
    cache.drop({ handles: ['other'] })
    cache.put(view('a'), started)
    expect(cache.get('a')).toBeUndefined()
    const again = cache.generation
    cache.put(view('a'), again)
    expect(cache.get('a')).toBeDefined()
  })

  it('drops by handle and by user', () => {
    const { cache } = cacheAt()
    cache.extendLease(2_000)
    for (const [handle, user] of [['a', 1], ['b', 1], ['c', 2], ['d', 3]] as const) cache.put(view(handle, user), cache.generation)
    cache.drop({ handles: ['d'] })
    expect(cache.get('d')).toBeUndefined()
    cache.drop({ userIds: [1] })
    expect([cache.get('a'), cache.get('b')]).toEqual([undefined, undefined])
    expect(cache.get('c')).toBeDefined()
    cache.lapse()
    expect(cache.size).toBe(0)
  })

  it('holds at most its bound, evicting the oldest', () => {
    const { cache } = cacheAt(0, 3)
    cache.extendLease(2_000)
    for (const handle of ['a', 'b', 'c', 'd']) cache.put(view(handle), cache.generation)
    expect(cache.size).toBe(3)
    expect(cache.get('a')).toBeUndefined()
    expect(cache.get('d')).toBeDefined()
  })
})

describe('cachedSessionFinder', () => {
  it('reads once, then answers from memory; reads again once the view is old enough to need a touch', async () => {
    const { cache } = cacheAt()
    cache.extendLease(1e12)
    let reads = 0
    let wall = 1_000
    const find = cachedSessionFinder(
      async (handle) => {
        reads++
        return view(handle, 1, 1_000)
      },
      cache,
      () => wall,
      60_000,
    )
    expect(await find('a')).toMatchObject({ handle: 'a' })
    expect(find('a')).toMatchObject({ handle: 'a' }) // synchronous: a hit
    expect(reads).toBe(1)
    wall = 61_000
    await find('a')
    expect(reads).toBe(2)
  })

  it('a read that an invalidation overtook is answered but not kept', async () => {
    const { cache } = cacheAt()
    cache.extendLease(1e12)
    let release: (() => void) | undefined
    const find = cachedSessionFinder(
      (handle) =>
        new Promise<LiveSessionView>((resolve) => {
          release = () => resolve(view(handle))
        }),
      cache,
      () => 1_000,
      60_000,
    )
    const pending = find('a')
    cache.drop({ handles: ['a'] })
    release?.()
    expect(await pending).toBeDefined()
    expect(cache.get('a')).toBeUndefined()
  })

  it('does not keep a missing session', async () => {
    const { cache } = cacheAt()
    cache.extendLease(1e12)
    const find = cachedSessionFinder(async () => undefined, cache, () => 1_000, 60_000)
    expect(await find('a')).toBeUndefined()
    expect(cache.size).toBe(0)
  })
})
