interface Entry<Value> {
  value: Value
  /** Read since it was last inserted or passed over: spared once by eviction. */
  used: boolean
}

/**
 * A bounded map from a whole token string to what verifying it produced, evicting by
 * second chance (CLOCK), the usual approximation of least-recently-used: a hit only
 * marks its entry (no map write, nothing allocated: this runs on every request), and
 * eviction walks from the oldest insertion, moving a marked entry to the back unmarked
 * and dropping the first unmarked one. Only successes belong here: callers must never
 * store failures, and must re-check expiry on every hit.
 */
export class VerifiedTokenCache<Value> {
  readonly #entries = new Map<string, Entry<Value>>()
  readonly #capacity: number

  /** `capacity` 0 makes every operation a no-op. */
  constructor(capacity: number) {
    if (!Number.isSafeInteger(capacity) || capacity < 0) {
      throw new RangeError(`cache capacity must be a non-negative integer, got ${capacity}`)
    }
    this.#capacity = capacity
  }

  /** How many tokens are cached; never more than the capacity. */
  get size(): number {
    return this.#entries.size
  }

  /** The cached value for `token`, marking it used. */
  get(token: string): Value | undefined {
    const entry = this.#entries.get(token)
    if (entry === undefined) return undefined
    entry.used = true
    return entry.value
  }

  set(token: string, value: Value): void {
    if (this.#capacity === 0) return
    const entry = this.#entries.get(token)
    if (entry !== undefined) {
      entry.value = value
      entry.used = true
      return
    }
    // Room is made before the new entry goes in, so eviction never picks the newcomer.
    if (this.#entries.size >= this.#capacity) this.#evictOne()
    this.#entries.set(token, { value, used: false })
  }

  delete(token: string): void {
    this.#entries.delete(token)
  }

  /** Ends within one pass plus one entry: the first entry moved comes round again unmarked. */
  #evictOne(): void {
    for (const [token, entry] of this.#entries) {
      this.#entries.delete(token)
      if (!entry.used) return
      entry.used = false
      this.#entries.set(token, entry)
    }
  }
}
