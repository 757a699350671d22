/**
 * A bounded least-recently-used map from a whole token string to what verifying it
 * produced. A `Map` keeps insertion order, so re-inserting on every hit keeps the
 * oldest entry first, and eviction drops it. Only successes belong here: callers
 * must never store failures, and must re-check expiry on every hit.
 */
export class VerifiedTokenCache<Value> {
  readonly #entries = new Map<string, Value>()
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

  /** The cached value for `token`, marking it most recently used. */
  get(token: string): Value | undefined {
    const value = this.#entries.get(token)
    if (value === undefined) return undefined
    this.#entries.delete(token)
    this.#entries.set(token, value)
    return value
  }

  set(token: string, value: Value): void {
    if (this.#capacity === 0) return
    this.#entries.delete(token)
    this.#entries.set(token, value)
    while (this.#entries.size > this.#capacity) {
      const oldest = this.#entries.keys().next()
      if (oldest.done === true) break
      this.#entries.delete(oldest.value)
    }
  }

  delete(token: string): void {
    this.#entries.delete(token)
  }
}
