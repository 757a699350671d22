import type { ChangeSignal } from './change-signal.js'

/** Entries kept at most; past it the cache starts over (a bound, not an LRU: misses are cheap). */
const MAX_ENTRIES = 10_000

/**
 * Keeps what `find` returned for a key until the database may have changed: every lookup
 * first asks `changed`, and any change anywhere empties the whole cache. So a revocation
 * committed by any process is seen by the very next lookup, while the common request —
 * nothing changed since the last one — costs one counter read instead of a query.
 * Absences are not kept: a revoked token asks the database every time.
 */
export function cacheUntilChanged<V>(find: (key: string) => V | undefined, changed: ChangeSignal): (key: string) => V | undefined {
  const entries = new Map<string, V>()
  return (key) => {
    if (changed()) entries.clear()
    const cached = entries.get(key)
    if (cached !== undefined) return cached
    const found = find(key)
    if (found !== undefined) {
      if (entries.size >= MAX_ENTRIES) entries.clear()
      entries.set(key, found)
    }
    return found
  }
}
