import type { Db } from './database.js'

/** Says whether the database may have changed since it was last asked. */
export type ChangeSignal = () => boolean

/**
 * SQLite's own change counters, read in one statement: `data_version` moves whenever
 * another connection (another worker, another instance on the same file, the CLI) commits,
 * and `total_changes()` whenever this one writes. Together they tell, at the cost of one
 * small statement and no table read, whether anything a cache holds may be stale.
 * @see https://www.sqlite.org/pragma.html#pragma_data_version
 */
export function sqliteChangeSignal(db: Db): ChangeSignal {
  const counters = db.prepare<[], [number, number]>('SELECT total_changes(), data_version FROM pragma_data_version').raw()
  let ownWrites = -1
  let otherCommits = -1
  return () => {
    const [own, others] = counters.get() ?? [-1, -1]
    if (own === ownWrites && others === otherCommits) return false
    ownWrites = own
    otherCommits = others
    return true
  }
}
