import type { Clock } from '../clock.js'

/** One key's hits: how many, the latest, and when the counter is forgotten. */
export interface RateCounter {
  readonly count: number
  readonly lastHitAt: number
  readonly expiresAt: number
}

/**
 * How long a counter lives: `fixed` ends `windowMs` after its first hit (a request quota);
 * `sliding` ends `windowMs` after its latest hit (failures forgotten after a quiet spell).
 */
export type RateWindow = 'fixed' | 'sliding'

/**
 * Where rate-limit counters live: the general API limit and the login throttle share one.
 * Asynchronous so that a store several instances share (Redis: `HINCRBY` + `PEXPIRE` in
 * one `MULTI`) can take the place of the in-memory default without touching the callers.
 */
export interface RateLimitStore {
  /** Counts a hit on `key` and answers the counter after it. */
  increment(key: string, windowMs: number, window: RateWindow): Promise<RateCounter>
  /** The live counter of `key`, or undefined when it has none (or it expired). */
  get(key: string): Promise<RateCounter | undefined>
  /** Forgets `key` (a successful sign-in clears its account's failures). */
  delete(key: string): Promise<void>
  /** Takes one back from a live counter (forgetting it at zero); a missing counter stays missing. */
  decrement(key: string): Promise<void>
  /**
   * `increment` answered at once, for a store that never waits (memory, the SQLite file):
   * the per-request limit then costs no promise. A store without it is awaited.
   */
  incrementNow?(key: string, windowMs: number, window: RateWindow): RateCounter
}

/** Enough for every client of a busy single instance; each entry is about 100 bytes. */
const DEFAULT_MAX_KEYS = 100_000

/**
 * Counters in this process's memory: the default for a single instance. A restart
 * forgets them. Bounded: past `maxKeys` the counter hit least recently goes (a Map keeps
 * insertion order and every hit re-inserts its key, so that is the first one, and
 * usually long expired). Expired counters are also dropped whenever they are read.
 */
export class MemoryRateLimitStore implements RateLimitStore {
  readonly #counters = new Map<string, RateCounter>()
  readonly #clock: Clock
  readonly #maxKeys: number

  constructor(clock: Clock, maxKeys = DEFAULT_MAX_KEYS) {
    this.#clock = clock
    this.#maxKeys = maxKeys
  }

  async increment(key: string, windowMs: number, window: RateWindow): Promise<RateCounter> {
    return this.incrementNow(key, windowMs, window)
  }

  incrementNow(key: string, windowMs: number, window: RateWindow): RateCounter {
    const now = this.#clock()
    const live = this.#live(key, now)
    const next: RateCounter = live
      ? { count: live.count + 1, lastHitAt: now, expiresAt: window === 'sliding' ? now + windowMs : live.expiresAt }
      : { count: 1, lastHitAt: now, expiresAt: now + windowMs }
    this.#counters.delete(key)
    this.#counters.set(key, next)
    if (this.#counters.size > this.#maxKeys) this.#evictOldest()
    return next
  }

  async get(key: string): Promise<RateCounter | undefined> {
    return this.#live(key, this.#clock())
  }

  async delete(key: string): Promise<void> {
    this.#counters.delete(key)
  }

  async decrement(key: string): Promise<void> {
    const live = this.#live(key, this.#clock())
    if (live === undefined) return
    if (live.count <= 1) this.#counters.delete(key)
    else this.#counters.set(key, { ...live, count: live.count - 1 })
  }

  /** How many keys are held (expired ones included until they are evicted). */
  get size(): number {
    return this.#counters.size
  }

  #live(key: string, now: number): RateCounter | undefined {
    const counter = this.#counters.get(key)
    if (counter === undefined) return undefined
    if (counter.expiresAt > now) return counter
    this.#counters.delete(key)
    return undefined
  }

  #evictOldest(): void {
    const oldest = this.#counters.keys().next()
    if (!oldest.done) this.#counters.delete(oldest.value)
  }
}
