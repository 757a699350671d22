import { randomUUID } from 'node:crypto'
import { closeSync, existsSync, mkdirSync, openSync, readSync, renameSync, rmSync, writeSync } from 'node:fs'
import path from 'node:path'
import Database from 'better-sqlite3'
import { DATABASE_FILE } from './database.js'
import { MIGRATIONS } from './migrations.js'
import { BackupError, syncDirectory, syncFile } from './sqlite-backup.js'

/**
 * Replaces the database under `dataDir` with the backup `source`, only while no server
 * holds it:
 *
 * 1. The backup is copied to an owner-only draft beside the database (same file system,
 *    so the final rename is atomic) and checked there: `PRAGMA integrity_check` says ok,
 *    and its `user_version` is a schema this code knows (1 … the number of migrations;
 *    an older one is brought up to date by the next start, a newer one would be run by
 *    code that does not know its tables).
 * 2. {@link assertNoServer}: no other process has a connection on the live database.
 * 3. The old database's -wal and -shm are removed (a stale WAL beside the new file would be
 *    replayed into it), and the draft is renamed over the database and the folder synced.
 *
 * `counters.sqlite` (rate-limit windows) is neither backed up nor touched: its counts
 * expire on their own within their windows.
 */
export function restoreSqlite(dataDir: string, source: string): void {
  if (!existsSync(source)) throw new BackupError(`no backup at ${source}`)
  mkdirSync(dataDir, { recursive: true, mode: 0o700 })
  const live = path.join(dataDir, DATABASE_FILE)
  const draft = `${live}.${randomUUID()}.restore`
  try {
    copyOwnerOnly(source, draft)
    checkBackup(draft, source)
    syncFile(draft)
    if (existsSync(live)) assertNoServer(live)
    for (const suffix of ['-wal', '-shm', '-journal']) rmSync(live + suffix, { force: true })
    renameSync(draft, live)
    syncDirectory(dataDir)
  } finally {
    for (const suffix of ['', '-wal', '-shm', '-journal']) rmSync(draft + suffix, { force: true })
  }
}

function checkBackup(draft: string, source: string): void {
  let db: Database.Database | undefined
  try {
    db = new Database(draft, { fileMustExist: true })
    // A backup made by VACUUM INTO is in rollback mode; a WAL one is folded in and left in
    // rollback mode too, so no -wal file has to travel with the draft.
    db.pragma('journal_mode = DELETE')
    const result = db.pragma('integrity_check', { simple: true })
    if (result !== 'ok') throw new BackupError(`${source} fails PRAGMA integrity_check: ${String(result)}`)
    const version = db.pragma('user_version', { simple: true })
    if (typeof version !== 'number' || version < 1) throw new BackupError(`${source} is not a tokenauth database (schema version ${String(version)})`)
    if (version > MIGRATIONS.length) {
      throw new BackupError(`${source} has schema version ${version}, newer than this code's ${MIGRATIONS.length}: restore it with the version that made it`)
    }
  } catch (error) {
    if (error instanceof BackupError) throw error
    throw new BackupError(`${source} is not a readable SQLite database: ${(error as Error).message}`)
  } finally {
    db?.close()
  }
}

/**
 * Refuses while another process has the live database open. In WAL mode every connection
 * holds a SHARED lock on the database file for as long as it is open; a connection in
 * `locking_mode = EXCLUSIVE` that starts a write asks for an EXCLUSIVE lock, which SQLite
 * refuses at once (busy_timeout 0) while any other connection exists. Done with SQLite's
 * own connection, in the CLI's own process: the server's locks are never disturbed. The
 * check is taken on the old database; a server started between the check and the rename
 * would open the old file, so keep the service stopped while restoring.
 */
export function assertNoServer(live: string): void {
  const db = new Database(live, { fileMustExist: true })
  try {
    db.pragma('busy_timeout = 0')
    db.pragma('locking_mode = EXCLUSIVE')
    try {
      db.exec('BEGIN EXCLUSIVE; COMMIT')
    } catch (error) {
      if ((error as { code?: string }).code?.startsWith('SQLITE_BUSY')) {
        throw new BackupError(`a server has ${live} open: stop it first (systemctl stop tokenauth), then restore`)
      }
      throw error
    }
  } finally {
    db.close()
  }
}

/**
 * Copies `source` into a new file created 0600: never `copyFileSync`, which gives the copy
 * the backup's own mode (whatever it is) before any chmod could narrow it.
 */
function copyOwnerOnly(source: string, target: string): void {
  const from = openSync(source, 'r')
  const to = openSync(target, 'wx', 0o600)
  try {
    const chunk = Buffer.alloc(1 << 20)
    for (let read = readSync(from, chunk); read > 0; read = readSync(from, chunk)) writeSync(to, chunk, 0, read)
  } finally {
    closeSync(to)
    closeSync(from)
  }
}
