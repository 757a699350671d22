import { sql } from 'kysely'
import type { Engine } from '../store/engine.js'

/** Columns that change on their own while a session is merely used (the idle clock). */
const VOLATILE_COLUMNS: Readonly<Record<string, readonly string[]>> = { sessions: ['last_seen_at'] }

/**
 * Every row of `tables`, ordered by their first column (the key), without the volatile
 * columns: take one before and one after, and `toEqual` says whether anything real
 * changed. `where` narrows a table (e.g. to the rows of real users, leaving a test's own
 * user out). Works on either engine.
 */
export async function snapshotTables(
  engine: Engine,
  tables: readonly string[],
  where: Readonly<Record<string, string>> = {},
): Promise<Record<string, unknown[]>> {
  const snapshot: Record<string, unknown[]> = {}
  for (const table of tables) {
    const filter = where[table] ? `WHERE ${where[table]}` : ''
    const { rows } = await sql<Record<string, unknown>>`SELECT * FROM ${sql.table(table)} ${sql.raw(filter)} ORDER BY 1`.execute(engine.db)
    const skip = VOLATILE_COLUMNS[table] ?? []
    snapshot[table] = rows.map((row) => Object.fromEntries(Object.entries(row).filter(([column]) => !skip.includes(column))))
  }
  return snapshot
}

/** The names of the database's own tables (not the engine's internal ones). */
export async function tableNames(engine: Engine): Promise<string[]> {
  return (await engine.db.introspection.getTables()).map((table) => table.name)
}
