import type { Clock } from '../clock.js'
import { CounterTable } from './shared-counter-table.js'
import type { RateCounter, RateLimitStore, RateWindow } from './rate-limit-store.js'

/**
 * Counters in a table every worker thread of one process shares (`WORKERS=N` without
 * Redis): one count per key across all threads, each hit a few hundred nanoseconds under
 * its bucket's lock, with no system call and no allocation besides the answer.
 *
 * Exact when the table cannot hold a key, too: a key longer than a slot, or a new key
 * whose bucket is full of live counters (a flood from many addresses), is counted in
 * `overflow` (the SQLite file store, shared the same way) instead. Nothing is evicted
 * and nothing passes uncounted. The bucket is then marked: from then on a key of that
 * bucket missing from the table is looked up in `overflow` before it gets a new counter
 * in the table, so a key counted there keeps counting there until its counter ends.
 * All of this runs under the bucket's lock, so two threads never decide differently for
 * one key; only a marked bucket pays the slower path, and only for keys it lacks.
 */
export class SharedRateLimitStore implements RateLimitStore {
  readonly #table: CounterTable
  readonly #clock: Clock
  readonly #overflow: () => OverflowStore

  /** `overflow` is opened on first need (most processes never need it). */
  constructor(buffer: SharedArrayBuffer, clock: Clock, overflow: () => OverflowStore) {
    this.#table = new CounterTable(buffer)
    this.#clock = clock
    let opened: OverflowStore | undefined
    this.#overflow = () => (opened ??= overflow())
  }

  async increment(key: string, windowMs: number, window: RateWindow): Promise<RateCounter> {
    return this.incrementNow(key, windowMs, window)
  }

  incrementNow(key: string, windowMs: number, window: RateWindow): RateCounter {
    const now = this.#clock()
    const table = this.#table
    const bucket = table.select(key)
    if (bucket < 0) return this.#overflow().incrementNow(key, windowMs, window)
    table.lock(bucket)
    try {
      let slot = table.find(bucket)
      if (slot >= 0) {
        const expiresAt = table.expiresAt(slot)
        if (expiresAt > now) {
          const count = table.count(slot) + 1
          const next = window === 'sliding' ? now + windowMs : expiresAt
          table.set(slot, count, now, next)
          return { count, lastHitAt: now, expiresAt: next }
        }
        table.set(slot, 1, now, now + windowMs)
        return { count: 1, lastHitAt: now, expiresAt: now + windowMs }
      }
      // A key counted in the overflow store stays there until its counter ends.
      if (table.overflowed(bucket) && this.#overflow().getNow(key) !== undefined) return this.#overflow().incrementNow(key, windowMs, window)
      slot = table.free(bucket, now)
      if (slot < 0) {
        table.markOverflowed(bucket)
        return this.#overflow().incrementNow(key, windowMs, window)
      }
      table.claim(slot, 1, now, now + windowMs)
      return { count: 1, lastHitAt: now, expiresAt: now + windowMs }
    } finally {
      table.unlock(bucket)
    }
  }

  async get(key: string): Promise<RateCounter | undefined> {
    const now = this.#clock()
    const table = this.#table
    const bucket = table.select(key)
    if (bucket < 0) return this.#overflow().getNow(key)
    table.lock(bucket)
    try {
      const slot = table.find(bucket)
      if (slot >= 0) {
        const expiresAt = table.expiresAt(slot)
        return expiresAt > now ? { count: table.count(slot), lastHitAt: table.lastHitAt(slot), expiresAt } : undefined
      }
      return table.overflowed(bucket) ? this.#overflow().getNow(key) : undefined
    } finally {
      table.unlock(bucket)
    }
  }

  async delete(key: string): Promise<void> {
    const table = this.#table
    const bucket = table.select(key)
    if (bucket < 0) return this.#overflow().deleteNow(key)
    table.lock(bucket)
    try {
      const slot = table.find(bucket)
      if (slot >= 0) table.clear(slot)
      else if (table.overflowed(bucket)) this.#overflow().deleteNow(key)
    } finally {
      table.unlock(bucket)
    }
  }

  async decrement(key: string): Promise<void> {
    const now = this.#clock()
    const table = this.#table
    const bucket = table.select(key)
    if (bucket < 0) return this.#overflow().decrementNow(key)
    table.lock(bucket)
    try {
      const slot = table.find(bucket)
      if (slot < 0) {
        if (table.overflowed(bucket)) this.#overflow().decrementNow(key)
        return
      }
      const count = table.count(slot)
      if (table.expiresAt(slot) <= now) return
      if (count <= 1) table.clear(slot)
      else table.set(slot, count - 1, table.lastHitAt(slot), table.expiresAt(slot))
    } finally {
      table.unlock(bucket)
    }
  }
}

/**
 * Where keys the table cannot hold are counted: it must answer at once, since it is
 * called under a bucket's lock, which must never be held across a yield.
 */
export interface OverflowStore {
  incrementNow(key: string, windowMs: number, window: RateWindow): RateCounter
  getNow(key: string): RateCounter | undefined
  deleteNow(key: string): void
  decrementNow(key: string): void
}
