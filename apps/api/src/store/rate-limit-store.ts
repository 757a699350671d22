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

/** A counter as kept: changed in place on every hit. */
interface LiveCounter {
  count: number
  lastHitAt: number
  expiresAt: number
  /** Hit since it was last inserted or passed over: spared once by eviction. */
  used: boolean
}

/**
 * Counters in this process's memory: the default for a single instance. A restart
 * forgets them. Bounded: past `maxKeys` one counter goes, chosen by second chance
 * (CLOCK, an approximation of the one hit least recently): a hit only changes its
 * counter in place and marks it (the per-request limit runs this on every request, so
 * no map write), and eviction walks from the oldest insertion, moving a marked counter
 * to the back unmarked and dropping the first unmarked one. Expired counters are also
 * dropped whenever they are read.
 */
export class MemoryRateLimitStore implements RateLimitStore {
  readonly #counters = new Map<string, LiveCounter>()
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
    if (live !== undefined) {
      live.count++
      live.lastHitAt = now
      if (window === 'sliding') live.expiresAt = now + windowMs
      live.used = true
      return snapshot(live)
    }
    // Room is made before the new counter goes in, so eviction never picks the newcomer.
    if (this.#counters.size >= this.#maxKeys) this.#evictOne()
    const counter: LiveCounter = { count: 1, lastHitAt: now, expiresAt: now + windowMs, used: false }
    this.#counters.set(key, counter)
    return snapshot(counter)
  }

  async get(key: string): Promise<RateCounter | undefined> {
    const live = this.#live(key, this.#clock())
    return live === undefined ? undefined : snapshot(live)
  }

  async delete(key: string): Promise<void> {
    this.#counters.delete(key)
  }

  async decrement(key: string): Promise<void> {
    const live = this.#live(key, this.#clock())
    if (live === undefined) return
    if (live.count <= 1) this.#counters.delete(key)
    else live.count--
  }

  /** How many keys are held (expired ones included until they are evicted). */
  get size(): number {
    return this.#counters.size
  }

  #live(key: string, now: number): LiveCounter | undefined {
    const counter = this.#counters.get(key)
    if (counter === undefined) return undefined
    if (counter.expiresAt > now) return counter
    this.#counters.delete(key)
    return undefined
  }

  /** Ends within one pass plus one counter: the first counter moved comes round again unmarked. */
  #evictOne(): void {
    for (const [key, counter] of this.#counters) {
      this.#counters.delete(key)
      if (!counter.used) return
      counter.used = false
      this.#counters.set(key, counter)
    }
  }
}

/** What callers get: a copy, so a counter they hold does not change under them. */
function snapshot(counter: LiveCounter): RateCounter {
  return { count: counter.count, lastHitAt: counter.lastHitAt, expiresAt: counter.expiresAt }
}
