import { mkdirSync } from 'node:fs'
import path from 'node:path'
import Database from 'better-sqlite3'
import { migrate } from './migrations.js'

export type Db = Database.Database

/** Name of the SQLite file under `DATA_DIR`. */
export const DATABASE_FILE = 'tokenauth.sqlite'

/**
 * Opens (creating when needed) the SQLite database under `dataDir`, in WAL mode with
 * foreign keys on, and brings its schema up to date.
 */
export function openDatabase(dataDir: string): Db {
  // Password hashes and keys live here: only the server's own user may look in.
  mkdirSync(dataDir, { recursive: true, mode: 0o700 })
  const db = new Database(path.join(dataDir, DATABASE_FILE))
  db.pragma('journal_mode = WAL')
  // NORMAL in WAL mode never corrupts the database; a power loss can drop the last commits.
  // FULL keeps every acknowledged write (sessions and notes are acknowledged to users).
  db.pragma('synchronous = FULL')
  db.pragma('foreign_keys = ON')
  db.pragma('busy_timeout = 5000')
  migrate(db)
  return db
}
