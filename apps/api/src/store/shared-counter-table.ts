import { randomInt } from 'node:crypto'
import { RetryLaterError } from '../http/retry-later-error.js'

/**
 * A fixed-size hash table of rate counters in a SharedArrayBuffer that every worker thread
 * of `WORKERS=N` maps: what the threads count together in. The main thread creates it
 * (`createCounterTable`) and hands the buffer to each thread (workerData); each thread
 * wraps it (`new CounterTable(buffer)`) and reads and writes the same memory.
 *
 * Layout: buckets of `SLOTS_PER_BUCKET` slots. A key lives only in its home bucket (so
 * the probe is bounded: at most 8 slots), and every read or write of a bucket holds that
 * bucket's lock, a futex-style mutex on one Int32 (Atomics.compareExchange, a short spin,
 * then Atomics.wait, bounded by `LOCK_WAIT_MS`). The critical section is a few dozen plain
 * reads and writes, with no I/O and no yield, so a lock is held for well under a
 * microsecond; a thread that cannot take it within the bound (its holder descheduled,
 * stopped or gone) gets `CounterLockTimeoutError` (a 503) instead of waiting on, so no
 * thread's event loop hangs on another's. Plain (non-Atomics)
 * accesses inside it are safe: taking and releasing the lock are Atomics operations,
 * which order them (the ECMAScript memory model: data-race-free under a lock).
 *
 * Slots hold the key's own UTF-8 bytes (up to the table's `keyBytes`), not a hash of it:
 * two keys never share a counter, whatever an attacker chooses as a username. A seeded
 * hash (the seed drawn when the table is made) picks the bucket, so nobody can aim many
 * keys at one bucket without knowing it. A longer key does not fit: the caller counts it
 * elsewhere (see SharedRateLimitStore).
 */
export const SLOTS_PER_BUCKET = 8

const MAGIC = 0x7a6b1e01
/** Header Int32s: magic, seed, bucket count, key bytes per slot. */
const HEADER_INTS = 4
/** Per bucket: the lock word. */
const BUCKET_INTS = 1
/** Per bucket: until when a counter of one of its keys may live in the overflow store (0: none ever). */
const BUCKET_DOUBLES = 1
/** Per slot: the key's hash (a quick reject before the bytes), 1 + the key's length (0: empty), the count. */
const SLOT_INTS = 3
/** Per slot: the latest hit and when the counter ends, in epoch milliseconds. */
const SLOT_DOUBLES = 2
/** Spins before sleeping on the lock word: the holder is normally done within them. */
const SPINS = 64
/** The longest a thread waits for a bucket's lock before answering 503. */
export const LOCK_WAIT_MS = 40

const UNLOCKED = 0
const LOCKED = 1
const CONTENDED = 2

export interface CounterTableSize {
  /** Buckets (a power of two); slots = buckets × SLOTS_PER_BUCKET. */
  readonly buckets: number
  /** Longest key held in the table, in UTF-8 bytes (a multiple of 8). */
  readonly keyBytes: number
}

/** Makes a zeroed table (every slot empty) in a new SharedArrayBuffer. */
export function createCounterTable({ buckets, keyBytes }: CounterTableSize): SharedArrayBuffer {
  if (!Number.isInteger(Math.log2(buckets)) || buckets < 1) throw new Error(`buckets must be a power of two (got ${buckets})`)
  if (keyBytes % 8 !== 0 || keyBytes < 8) throw new Error(`keyBytes must be a positive multiple of 8 (got ${keyBytes})`)
  const layout = layoutOf(buckets, keyBytes)
  const buffer = new SharedArrayBuffer(layout.total)
  const header = new Int32Array(buffer, 0, HEADER_INTS)
  header.set([MAGIC, randomInt(0, 2 ** 31), buckets, keyBytes])
  return buffer
}

function layoutOf(buckets: number, keyBytes: number) {
  const slots = buckets * SLOTS_PER_BUCKET
  const locksAt = HEADER_INTS * 4
  const metaAt = locksAt + buckets * BUCKET_INTS * 4
  // Float64Array needs an 8-byte aligned offset.
  const overflowAt = Math.ceil((metaAt + slots * SLOT_INTS * 4) / 8) * 8
  const timesAt = overflowAt + buckets * BUCKET_DOUBLES * 8
  const keysAt = timesAt + slots * SLOT_DOUBLES * 8
  return { slots, locksAt, metaAt, overflowAt, timesAt, keysAt, total: keysAt + slots * keyBytes }
}

/** A bucket's lock was not free within `LOCK_WAIT_MS`: nothing was counted, so nothing is decided (fail closed). */
export class CounterLockTimeoutError extends RetryLaterError {
  override name = 'CounterLockTimeoutError'
  constructor() {
    super(503, 'service_unavailable', 1, 'The server is busy. Try again shortly.')
  }
}

/** One thread's view of a shared table. Its methods are the building blocks; the store holds the lock around them. */
export class CounterTable {
  readonly keyBytes: number
  readonly #bucketMask: number
  readonly #seed: number
  /** The lock word per bucket. */
  readonly #buckets: Int32Array
  /** Per bucket: until when a key of it may be counted in the overflow store. */
  readonly #overflowUntil: Float64Array
  /** [hash, keyLength, count] per slot. */
  readonly #meta: Int32Array
  /** [lastHitAt, expiresAt] per slot. */
  readonly #times: Float64Array
  readonly #keys: Uint8Array
  /** This thread's scratch for the key being looked up, and its length and hash. */
  readonly #scratch: Uint8Array
  readonly #encoder = new TextEncoder()
  #length = 0
  #hash = 0

  constructor(buffer: SharedArrayBuffer) {
    const [magic = 0, seed = 0, buckets = 0, keyBytes = 0] = new Int32Array(buffer, 0, HEADER_INTS)
    if (magic !== MAGIC) throw new Error('not a counter table')
    const layout = layoutOf(buckets, keyBytes)
    this.keyBytes = keyBytes
    this.#bucketMask = buckets - 1
    this.#seed = seed
    this.#buckets = new Int32Array(buffer, layout.locksAt, buckets * BUCKET_INTS)
    this.#overflowUntil = new Float64Array(buffer, layout.overflowAt, buckets * BUCKET_DOUBLES)
    this.#meta = new Int32Array(buffer, layout.metaAt, layout.slots * SLOT_INTS)
    this.#times = new Float64Array(buffer, layout.timesAt, layout.slots * SLOT_DOUBLES)
    this.#keys = new Uint8Array(buffer, layout.keysAt, layout.slots * keyBytes)
    // Room for one more character than fits, so an over-long key is seen as such.
    this.#scratch = new Uint8Array(keyBytes + 4)
  }

  /**
   * Encodes `key` as the current key and answers its bucket, or -1 when it is longer than
   * a slot holds. Every other method works on the current key (one per thread at a time).
   */
  select(key: string): number {
    const { read, written } = this.#encoder.encodeInto(key, this.#scratch)
    if (read < key.length || written > this.keyBytes) return -1
    this.#length = written
    // FNV-1a over the bytes from a secret seed, then murmur3's finalizer to spread the low bits.
    let h = this.#seed ^ 0x811c9dc5
    for (let i = 0; i < written; i++) h = Math.imul(h ^ (this.#scratch[i] ?? 0), 0x01000193)
    h ^= h >>> 16
    h = Math.imul(h, 0x85ebca6b)
    h ^= h >>> 13
    h = Math.imul(h, 0xc2b2ae35)
    h ^= h >>> 16
    this.#hash = h | 0
    return h & this.#bucketMask
  }

  /** Takes the bucket's lock, or throws `CounterLockTimeoutError` after `LOCK_WAIT_MS`. */
  lock(bucket: number): void {
    const words = this.#buckets
    const at = bucket * BUCKET_INTS
    if (Atomics.compareExchange(words, at, UNLOCKED, LOCKED) === UNLOCKED) return
    for (let i = 0; i < SPINS; i++) {
      if (Atomics.load(words, at) === UNLOCKED && Atomics.compareExchange(words, at, UNLOCKED, LOCKED) === UNLOCKED) return
    }
    // Drepper's mutex: mark the word contended, sleep until the holder's unlock wakes us,
    // but never past the deadline.
    const deadline = performance.now() + LOCK_WAIT_MS
    while (Atomics.exchange(words, at, CONTENDED) !== UNLOCKED) {
      const left = deadline - performance.now()
      if (left <= 0) throw new CounterLockTimeoutError()
      Atomics.wait(words, at, CONTENDED, left)
    }
  }

  unlock(bucket: number): void {
    const at = bucket * BUCKET_INTS
    if (Atomics.exchange(this.#buckets, at, UNLOCKED) === CONTENDED) Atomics.notify(this.#buckets, at, 1)
  }

  /**
   * Whether a key of this bucket missing from the table may have a live counter in the
   * overflow store: until the last counter sent there could have ended. Read under the lock.
   */
  overflowed(bucket: number, now: number): boolean {
    return (this.#overflowUntil[bucket] ?? 0) > now
  }

  /** Records that a key of this bucket is counted in the overflow store, with a counter ending by `until` at the latest. */
  markOverflowed(bucket: number, until: number): void {
    if (until > (this.#overflowUntil[bucket] ?? 0)) this.#overflowUntil[bucket] = until
  }

  /** The slot holding the current key in `bucket` (live or expired), or -1. */
  find(bucket: number): number {
    const first = bucket * SLOTS_PER_BUCKET
    const meta = this.#meta
    for (let slot = first; slot < first + SLOTS_PER_BUCKET; slot++) {
      const m = slot * SLOT_INTS
      if (meta[m] === this.#hash && meta[m + 1] === this.#length + 1 && this.#sameKey(slot)) return slot
    }
    return -1
  }

  /** An empty or expired slot of `bucket` (the current key's counter can start there), or -1 when every slot is live. */
  free(bucket: number, now: number): number {
    const first = bucket * SLOTS_PER_BUCKET
    for (let slot = first; slot < first + SLOTS_PER_BUCKET; slot++) {
      if (this.#meta[slot * SLOT_INTS + 1] === 0 || this.expiresAt(slot) <= now) return slot
    }
    return -1
  }

  /** Writes the current key into `slot` with a counter of its own. */
  claim(slot: number, count: number, lastHitAt: number, expiresAt: number): void {
    this.#keys.set(this.#scratch.subarray(0, this.#length), slot * this.keyBytes)
    const m = slot * SLOT_INTS
    this.#meta[m] = this.#hash
    this.#meta[m + 1] = this.#length + 1
    this.set(slot, count, lastHitAt, expiresAt)
  }

  set(slot: number, count: number, lastHitAt: number, expiresAt: number): void {
    this.#meta[slot * SLOT_INTS + 2] = count
    this.#times[slot * SLOT_DOUBLES] = lastHitAt
    this.#times[slot * SLOT_DOUBLES + 1] = expiresAt
  }

  /** Empties `slot`. */
  clear(slot: number): void {
    this.#meta[slot * SLOT_INTS + 1] = 0
  }

  count(slot: number): number {
    return this.#meta[slot * SLOT_INTS + 2] ?? 0
  }

  lastHitAt(slot: number): number {
    return this.#times[slot * SLOT_DOUBLES] ?? 0
  }

  expiresAt(slot: number): number {
    return this.#times[slot * SLOT_DOUBLES + 1] ?? 0
  }

  #sameKey(slot: number): boolean {
    const keys = this.#keys
    const scratch = this.#scratch
    const at = slot * this.keyBytes
    for (let i = 0; i < this.#length; i++) if (keys[at + i] !== scratch[i]) return false
    return true
  }
}
