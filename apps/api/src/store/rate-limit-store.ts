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
  /**
   * Counts a hit on `key` and answers the counter after it. A bounded store that refuses
   * new keys when full (see `MemoryRateLimitStore`) throws `RateLimitStoreFullError`,
   * except for a hit marked `mustCount`: one it cannot refuse without losing it (the
   * failure of a sign-in already let through).
   */
  increment(key: string, windowMs: number, window: RateWindow, options?: IncrementOptions): Promise<RateCounter>
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

export interface IncrementOptions {
  readonly mustCount?: boolean
}

/** What a bounded store does with a new key when it holds `maxKeys` live counters. */
export type WhenFull =
  /** Forget one counter (second chance): right for the request limit, where a lost counter gives a few requests back. */
  | 'evict'
  /** Forget only expired counters, and refuse a new key while none has expired: nothing live is ever lost. */
  | 'refuse'

/** A bounded store holds `maxKeys` live counters and refused a new one; it has room again in `retryAfterMs`. */
export class RateLimitStoreFullError extends Error {
  readonly retryAfterMs: number
  constructor(retryAfterMs: number) {
    super('the rate-limit store is full of live counters')
    this.name = 'RateLimitStoreFullError'
    this.retryAfterMs = retryAfterMs
  }
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
 * forgets them. Bounded: at `maxKeys` a new key either waits (`refuse`: expired counters
 * are dropped and, if none had expired, the key is refused until one does; a `mustCount`
 * hit still goes in, so the bound is passed by at most what its caller has in flight) or
 * (`evict`) one counter goes, chosen by second chance
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

  readonly #whenFull: WhenFull
  /** With `refuse`: no counter expires before this, so a full store need not be swept again until then. */
  #fullUntil = 0

  constructor(clock: Clock, maxKeys = DEFAULT_MAX_KEYS, whenFull: WhenFull = 'evict') {
    this.#clock = clock
    this.#maxKeys = maxKeys
    this.#whenFull = whenFull
  }

  async increment(key: string, windowMs: number, window: RateWindow, options?: IncrementOptions): Promise<RateCounter> {
    return this.incrementNow(key, windowMs, window, options)
  }

  incrementNow(key: string, windowMs: number, window: RateWindow, options?: IncrementOptions): RateCounter {
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
    if (this.#counters.size >= this.#maxKeys) {
      if (this.#whenFull === 'evict') this.#evictOne()
      else if (options?.mustCount !== true) this.#makeRoomOrRefuse(now)
    }
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

  /**
   * Drops every expired counter; if none had expired, refuses until the first live one
   * expires. One sweep per expiry, not per refused key, so a flood at the bound costs
   * a map lookup per request.
   */
  #makeRoomOrRefuse(now: number): void {
    if (now < this.#fullUntil) throw new RateLimitStoreFullError(this.#fullUntil - now)
    let firstExpiry = Number.POSITIVE_INFINITY
    for (const [key, counter] of this.#counters) {
      if (counter.expiresAt <= now) this.#counters.delete(key)
      else firstExpiry = Math.min(firstExpiry, counter.expiresAt)
    }
    if (this.#counters.size < this.#maxKeys) return
    this.#fullUntil = firstExpiry
    throw new RateLimitStoreFullError(firstExpiry - now)
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
