interface Entry<Value> {
  /** The whole token: a hit requires these exact bytes. */
  readonly token: string
  value: Value
  /** Read since it was last inserted or passed over: spared once by eviction. */
  used: boolean
}

/**
 * A bounded map from a token to what verifying it produced, evicting by
 * second chance (CLOCK), the usual approximation of least-recently-used: a hit only
 * marks its entry (no map write, nothing allocated: this runs on every request), and
 * eviction walks from the oldest insertion, moving a marked entry to the back unmarked
 * and dropping the first unmarked one. Only successes belong here: callers must never
 * store failures, and must re-check expiry on every hit.
 *
 * Looked up by the token's last `.`-separated segment (a JWS's signature, 43 characters
 * for HS256), then the whole token is compared. V8 hashes a string key a character at a
 * time, and every request's token is a new string (the HTTP parser makes one per request),
 * so a short key is hashed sooner (`packages/signer/bench/verify.bench.ts` measures it). A
 * hit still requires the exact bytes that verified before: a token with a copied signature
 * over another payload misses, and goes to full verification.
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
    const entry = this.#entries.get(lookupKey(token))
    if (entry === undefined || entry.token !== token) return undefined
    entry.used = true
    return entry.value
  }

  set(token: string, value: Value): void {
    if (this.#capacity === 0) return
    const key = lookupKey(token)
    const entry = this.#entries.get(key)
    if (entry !== undefined && entry.token === token) {
      entry.value = value
      entry.used = true
      return
    }
    // Another token under the same key gives way (two verified tokens share a signature only by an HMAC collision).
    if (entry !== undefined) this.#entries.delete(key)
    // Room is made before the new entry goes in, so eviction never picks the newcomer.
    else if (this.#entries.size >= this.#capacity) this.#evictOne()
    this.#entries.set(key, { token, value, used: false })
  }

  delete(token: string): void {
    const key = lookupKey(token)
    if (this.#entries.get(key)?.token === token) this.#entries.delete(key)
  }

  /** Ends within one pass plus one entry: the first entry moved comes round again unmarked. */
  #evictOne(): void {
    for (const [key, entry] of this.#entries) {
      this.#entries.delete(key)
      if (!entry.used) return
      entry.used = false
      this.#entries.set(key, entry)
    }
  }
}

/** The part after the last `.` (the whole token when it has none). */
function lookupKey(token: string): string {
  return token.slice(token.lastIndexOf('.') + 1)
}
