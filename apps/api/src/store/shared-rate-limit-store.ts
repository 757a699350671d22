import type { Clock } from '../clock.js'
import { CounterTable } from './shared-counter-table.js'
import type { RateCounter, RateLimitStore, RateWindow } from './rate-limit-store.js'

/**
 * How long after its decision a thread may still be writing a key's counter in the overflow
 * store: more than that store's busy timeout, so a bucket's mark outlasts every counter
 * sent there.
 */
const OVERFLOW_SLACK_MS = 10_000

/**
 * Counters in a table every worker thread of one process shares (`WORKERS=N` without
 * Redis): one count per key across all threads, each hit a few hundred nanoseconds under
 * its bucket's lock, with no system call and no allocation besides the answer.
 *
 * Exact when the table cannot hold a key, too: a key longer than a slot, or a new key
 * whose bucket is full of live counters (a flood from many addresses), is counted in
 * `overflow` (the SQLite file store, shared the same way) instead. Nothing is evicted
 * and nothing passes uncounted. The bucket is then marked until every counter sent to
 * `overflow` from it may have ended: meanwhile a key of that bucket missing from the table
 * goes to `overflow` too, so a key counted there keeps counting there, and two threads
 * never decide differently for one key. The decision is taken under the bucket's lock;
 * the overflow store (file I/O, a busy timeout) is called only after the lock is released,
 * so a slow disk delays the thread that needs it and no other.
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
    let counted: RateCounter | undefined
    table.lock(bucket)
    try {
      counted = this.#countInTable(bucket, now, windowMs, window)
    } finally {
      table.unlock(bucket)
    }
    return counted ?? this.#overflow().incrementNow(key, windowMs, window)
  }

  async get(key: string): Promise<RateCounter | undefined> {
    const now = this.#clock()
    const table = this.#table
    const bucket = table.select(key)
    if (bucket < 0) return this.#overflow().getNow(key)
    const found = this.#underLock(bucket, (): RateCounter | undefined | 'overflow' => {
      const slot = table.find(bucket)
      if (slot >= 0) {
        const expiresAt = table.expiresAt(slot)
        return expiresAt > now ? { count: table.count(slot), lastHitAt: table.lastHitAt(slot), expiresAt } : undefined
      }
      return table.overflowed(bucket, now) ? 'overflow' : undefined
    })
    return found === 'overflow' ? this.#overflow().getNow(key) : found
  }

  async delete(key: string): Promise<void> {
    const table = this.#table
    const bucket = table.select(key)
    if (bucket < 0) return this.#overflow().deleteNow(key)
    const elsewhere = this.#underLock(bucket, () => {
      const slot = table.find(bucket)
      if (slot >= 0) table.clear(slot)
      return slot < 0 && table.overflowed(bucket, this.#clock())
    })
    if (elsewhere) this.#overflow().deleteNow(key)
  }

  async decrement(key: string): Promise<void> {
    const now = this.#clock()
    const table = this.#table
    const bucket = table.select(key)
    if (bucket < 0) return this.#overflow().decrementNow(key)
    const elsewhere = this.#underLock(bucket, () => {
      const slot = table.find(bucket)
      if (slot < 0) return table.overflowed(bucket, now)
      const count = table.count(slot)
      if (table.expiresAt(slot) <= now) return false
      if (count <= 1) table.clear(slot)
      else table.set(slot, count - 1, table.lastHitAt(slot), table.expiresAt(slot))
      return false
    })
    if (elsewhere) this.#overflow().decrementNow(key)
  }

  /** The hit counted in the table, or undefined when the key is to be counted in the overflow store. Under the bucket's lock. */
  #countInTable(bucket: number, now: number, windowMs: number, window: RateWindow): RateCounter | undefined {
    const table = this.#table
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
    // A key of a marked bucket may be counted in the overflow store: it stays there.
    slot = table.overflowed(bucket, now) ? -1 : table.free(bucket, now)
    if (slot < 0) {
      table.markOverflowed(bucket, now + windowMs + OVERFLOW_SLACK_MS)
      return undefined
    }
    table.claim(slot, 1, now, now + windowMs)
    return { count: 1, lastHitAt: now, expiresAt: now + windowMs }
  }

  /** Runs `work` (plain reads and writes of the table, no I/O) under the bucket's lock. */
  #underLock<T>(bucket: number, work: () => T): T {
    this.#table.lock(bucket)
    try {
      return work()
    } finally {
      this.#table.unlock(bucket)
    }
  }
}

/**
 * Where keys the table cannot hold are counted. It answers synchronously (the table's
 * callers count before they yield), and is never called under a bucket's lock.
 */
export interface OverflowStore {
  incrementNow(key: string, windowMs: number, window: RateWindow): RateCounter
  getNow(key: string): RateCounter | undefined
  deleteNow(key: string): void
  decrementNow(key: string): void
}
