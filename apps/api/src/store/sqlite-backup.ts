import { randomUUID } from 'node:crypto'
import { closeSync, existsSync, fsyncSync, linkSync, openSync, rmSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import Database from 'better-sqlite3'
import { DATABASE_FILE } from './database.js'

/**
 * Writes a consistent copy of the database under `dataDir` to `target`, while a server may
 * run and write: `VACUUM INTO` reads one snapshot (a WAL read transaction, which never
 * blocks the server's writers) into a new, compact file. The copy is made as an empty
 * owner-only draft beside `target` (it holds password hashes and sessions, so it is 0600
 * from its first byte), synced, and linked into place, so `target` never names half a
 * backup and an existing file is never overwritten.
 *
 * The connection opened here is SQLite's own, in a process of its own (the CLI's): no
 * descriptor on the live file is ever opened or closed by hand.
 */
export function backupSqlite(dataDir: string, target: string): void {
  const source = path.join(dataDir, DATABASE_FILE)
  if (!existsSync(source)) throw new BackupError(`no database at ${source} (is DATA_DIR right?)`)
  if (existsSync(target)) throw new BackupError(`${target} exists; the backup never overwrites a file`)
  const draft = `${path.resolve(target)}.${randomUUID()}.partial`
  writeFileSync(draft, '', { mode: 0o600, flag: 'wx' })
  try {
    const db = new Database(source, { fileMustExist: true })
    try {
      db.pragma('busy_timeout = 5000')
      db.prepare('VACUUM INTO ?').run(draft)
    } finally {
      db.close()
    }
    syncFile(draft)
    linkSync(draft, target)
    syncDirectory(path.dirname(path.resolve(target)))
  } finally {
    rmSync(draft, { force: true })
  }
}

/** A backup or restore refused, with the one line that says why. */
export class BackupError extends Error {
  override name = 'BackupError'
}

export function syncFile(file: string): void {
  const fd = openSync(file, 'r')
  try {
    fsyncSync(fd)
  } finally {
    closeSync(fd)
  }
}

export function syncDirectory(dir: string): void {
  const fd = openSync(dir, 'r')
  try {
    fsyncSync(fd)
  } finally {
    closeSync(fd)
  }
}
