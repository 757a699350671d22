import { randomUUID } from 'node:crypto'
import { chmodSync, existsSync, linkSync, mkdirSync, rmSync, writeFileSync } from 'node:fs'
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
  const file = path.join(dataDir, DATABASE_FILE)
  ownerOnly(file)
  const db = new Database(file)
  db.pragma('journal_mode = WAL')
  // NORMAL in WAL mode never corrupts the database; a power loss can drop the last commits.
  // FULL keeps every acknowledged write (sessions and notes are acknowledged to users).
  db.pragma('synchronous = FULL')
  db.pragma('foreign_keys = ON')
  db.pragma('busy_timeout = 5000')
  migrate(db)
  // SQLite gives the -wal and -shm files the database file's mode; files an older version
  // left behind are narrowed here too.
  for (const suffix of ['-wal', '-shm']) if (existsSync(file + suffix)) chmodSync(file + suffix, 0o600)
  return db
}

/**
 * Creates `file` readable by the server's user only, or narrows an existing one to that,
 * whatever the folder's mode or the umask: it holds password hashes and sessions. SQLite
 * gives the -wal and -shm files it creates the database file's mode.
 *
 * No descriptor on `file` is ever opened here: POSIX locks belong to the process, and
 * closing any descriptor on a database file drops every lock the process holds on it,
 * those of a connection another worker thread has open included (SQLite's "How To Corrupt
 * An SQLite Database File", 2.2). Another process would then take itself for the last
 * connection, checkpoint and delete the WAL under the server. So a missing file is made
 * as an empty 0600 file of its own and hard-linked into place (`link` fails if the name
 * exists, and opens nothing), and an existing one is narrowed by path.
 */
export function ownerOnly(file: string): void {
  if (!existsSync(file)) createOwnerOnly(file)
  chmodSync(file, 0o600)
}

function createOwnerOnly(file: string): void {
  const draft = `${file}.${randomUUID()}.new`
  writeFileSync(draft, '', { mode: 0o600, flag: 'wx' })
  try {
    linkSync(draft, file)
  } catch (error) {
    // Another thread or process made it first: theirs is used (and narrowed by the caller).
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error
  } finally {
    rmSync(draft, { force: true })
  }
}
