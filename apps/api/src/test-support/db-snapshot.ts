import type { Db } from '../store/database.js'

/** Columns that change on their own while a session is merely used (the idle clock). */
const VOLATILE_COLUMNS: Readonly<Record<string, readonly string[]>> = { sessions: ['last_seen_at'] }

/**
 * Every row of `tables`, in primary-key order, without the volatile columns: take one
 * before and one after, and `toEqual` says whether anything real changed. `where`
 * narrows a table (e.g. to the rows of real users, leaving a test's own user out).
 */
export function snapshotTables(db: Db, tables: readonly string[], where: Readonly<Record<string, string>> = {}): Record<string, unknown[]> {
  const snapshot: Record<string, unknown[]> = {}
  for (const table of tables) {
    const rows = db.prepare(`SELECT * FROM ${table} ${where[table] ? `WHERE ${where[table]}` : ''} ORDER BY rowid`).all() as Record<string, unknown>[]
    const skip = VOLATILE_COLUMNS[table] ?? []
    snapshot[table] = rows.map((row) => Object.fromEntries(Object.entries(row).filter(([column]) => !skip.includes(column))))
  }
  return snapshot
}
