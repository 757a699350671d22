import type { LiveSessionView, MaybePromise } from './session-store.js'

/** Sessions one instance keeps at most (a few hundred bytes each: some 30 MB when full). */
export const MAX_CACHED_SESSIONS = 100_000

/** What a session-ending or narrowing write names: sessions by handle, or every session of some users. */
export interface InvalidationTarget {
  readonly handles?: readonly string[]
  readonly userIds?: readonly number[]
}

/**
 * The live sessions one instance has read, usable only while it holds a lease (see
 * `session-invalidation.ts`): past `usableUntil` (a monotonic time, so a stopped or
 * descheduled process finds it lapsed when it runs again) nothing is answered from it
 * and it is emptied before it is used again.
 *
 * `generation` closes the race between a read and an invalidation: a read remembers the
 * generation it started in, and its result is kept only if no invalidation and no lapse
 * happened meanwhile — otherwise it may predate the write that was just announced.
 */
export class LiveSessionCache {
  readonly #entries = new Map<string, LiveSessionView>()
  readonly #maxEntries: number
  readonly #monotonic: () => number
  #usableUntil = 0
  #generation = 0

  constructor(maxEntries = MAX_CACHED_SESSIONS, monotonic: () => number = () => performance.now()) {
    this.#maxEntries = maxEntries
    this.#monotonic = monotonic
  }

  get generation(): number {
    return this.#generation
  }

  get size(): number {
    return this.#entries.size
  }

  /** Whether the lease is held now; a lapsed cache is emptied here, before anyone reads it. */
  get usable(): boolean {
    if (this.#monotonic() < this.#usableUntil) return true
    if (this.#usableUntil !== 0) this.lapse()
    return false
  }

  /**
   * The lease now runs until `until` (monotonic ms). Coming back from a lapse empties the
   * cache and starts a new generation, so that no read begun without the lease is kept.
   */
  extendLease(until: number): void {
    if (this.#monotonic() >= this.#usableUntil) {
      this.#entries.clear()
      this.#generation++
    }
    this.#usableUntil = until
  }

  /** The lease is gone (the invalidation channel broke, or the instance closes): empty and unusable. */
  lapse(): void {
    this.#usableUntil = 0
    this.#entries.clear()
    this.#generation++
  }

  get(handle: string): LiveSessionView | undefined {
    return this.usable ? this.#entries.get(handle) : undefined
  }

  /** Keeps what a read begun in `generation` found, if nothing was invalidated since. */
  put(view: LiveSessionView, generation: number): void {
    if (generation !== this.#generation || !this.usable) return
    if (!this.#entries.has(view.handle) && this.#entries.size >= this.#maxEntries) {
      // Oldest first: Map iterates in insertion order.
      const oldest = this.#entries.keys().next()
      if (!oldest.done) this.#entries.delete(oldest.value)
    }
    this.#entries.set(view.handle, view)
  }

  /** Drops what `target` names; reads in flight are not kept either. */
  drop(target: InvalidationTarget): void {
    this.#generation++
    for (const handle of target.handles ?? []) this.#entries.delete(handle)
    const users = target.userIds ?? []
    if (users.length === 0) return
    const ids = new Set(users)
    for (const [handle, view] of this.#entries) if (ids.has(view.userId)) this.#entries.delete(handle)
  }
}

/**
 * The per-request session read through the cache: a hit is answered at once, with no
 * network call. A view whose `last_seen_at` is `maxStaleMs` old or more is read again,
 * so that idleness (which other instances' touches move) is only ever judged on a fresh
 * read, and a session that needs its touch written is read once more after it.
 */
export function cachedSessionFinder(
  read: (handle: string) => MaybePromise<LiveSessionView | undefined>,
  cache: LiveSessionCache,
  clock: () => number,
  maxStaleMs: number,
): (handle: string) => MaybePromise<LiveSessionView | undefined> {
  return (handle) => {
    const hit = cache.get(handle)
    if (hit !== undefined && clock() - hit.lastSeenAt < maxStaleMs) return hit
    const generation = cache.generation
    const found = read(handle)
    if (!(found instanceof Promise)) {
      if (found) cache.put(found, generation)
      return found
    }
    return found.then((view) => {
      if (view) cache.put(view, generation)
      return view
    })
  }
}
