import { describe, expect, it } from 'vitest'
import { VerifiedTokenCache } from './verified-token-cache.js'

describe('VerifiedTokenCache', () => {
  it('returns what was stored', () => {
    const cache = new VerifiedTokenCache<{ sub: string }>(2)
    const value = { sub: 'u1' }
    cache.set('t1', value)
    expect(cache.get('t1')).toBe(value)
    expect(cache.get('t2')).toBeUndefined()
  })

  it('never holds more than its capacity, evicting one not read since it was added (here the least recently used)', () => {
    const cache = new VerifiedTokenCache<number>(3)
    for (let i = 1; i <= 3; i++) cache.set(`t${i}`, i)
    cache.get('t1') // t1 is spared once, t2 goes
    cache.set('t4', 4)

    expect(cache.size).toBe(3)
    expect(cache.get('t2')).toBeUndefined()
    expect([cache.get('t1'), cache.get('t3'), cache.get('t4')]).toEqual([1, 3, 4])

    for (let i = 5; i < 100; i++) {
      cache.set(`t${i}`, i)
      expect(cache.size).toBeLessThanOrEqual(3)
    }
    expect([cache.get('t97'), cache.get('t98'), cache.get('t99')]).toEqual([97, 98, 99])
  })

  it('spares every entry read since the last eviction pass, and evicts an unread one first', () => {
    const cache = new VerifiedTokenCache<number>(4)
    for (let i = 1; i <= 4; i++) cache.set(`t${i}`, i)
    for (const token of ['t1', 't2', 't4']) cache.get(token)
    cache.set('t5', 5)
    expect(cache.get('t3')).toBeUndefined()
    expect([cache.get('t1'), cache.get('t2'), cache.get('t4'), cache.get('t5')]).toEqual([1, 2, 4, 5])

    // Everything read: one full pass unmarks all, then the first in line goes (t4, the one
    // entry the last pass did not move), never the newcomer.
    cache.set('t6', 6)
    expect(cache.size).toBe(4)
    expect(cache.get('t4')).toBeUndefined()
    expect([cache.get('t1'), cache.get('t2'), cache.get('t5'), cache.get('t6')]).toEqual([1, 2, 5, 6])
  })

  it('refreshes, rather than duplicates, a token stored twice', () => {
    const cache = new VerifiedTokenCache<number>(2)
    cache.set('a', 1)
    cache.set('b', 2)
    cache.set('a', 3)
    cache.set('c', 4)
    expect(cache.size).toBe(2)
    expect(cache.get('a')).toBe(3)
    expect(cache.get('b')).toBeUndefined()
  })

  it('answers only the exact token: another one with the same signature segment misses', () => {
    const cache = new VerifiedTokenCache<string>(4)
    cache.set('header.alice.sig', 'alice')
    expect(cache.get('header.alice.sig')).toBe('alice')
    expect(cache.get('header.mallory.sig')).toBeUndefined()
    expect(cache.get('sig')).toBeUndefined()
    // Deleting the impostor leaves the real entry; storing a second token under the key replaces it.
    cache.delete('header.mallory.sig')
    expect(cache.get('header.alice.sig')).toBe('alice')
    cache.set('header.bob.sig', 'bob')
    expect(cache.size).toBe(1)
    expect(cache.get('header.alice.sig')).toBeUndefined()
    expect(cache.get('header.bob.sig')).toBe('bob')
  })

  it('takes a token without dots, or with an empty last segment, as its own key', () => {
    const cache = new VerifiedTokenCache<number>(4)
    cache.set('plain', 1)
    cache.set('a.', 2)
    expect([cache.get('plain'), cache.get('a.'), cache.get('b.')]).toEqual([1, 2, undefined])
  })

  it('forgets a deleted token', () => {
    const cache = new VerifiedTokenCache<number>(2)
    cache.set('a', 1)
    cache.delete('a')
    expect(cache.get('a')).toBeUndefined()
    expect(cache.size).toBe(0)
  })

  it('stores nothing with capacity 0', () => {
    const cache = new VerifiedTokenCache<number>(0)
    cache.set('a', 1)
    expect(cache.get('a')).toBeUndefined()
    expect(cache.size).toBe(0)
  })

  it.each([-1, 1.5, Number.NaN, Number.POSITIVE_INFINITY])('refuses capacity %s', (capacity) => {
    expect(() => new VerifiedTokenCache(capacity)).toThrow(RangeError)
  })
})
