import { spawnSync } from 'node:child_process'
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { DATABASE_FILE, openDatabase } from './database.js'
import { posixLocksHeld } from '../test-support/proc-locks.js'

const parent = mkdtempSync(path.join(tmpdir(), 'tokenauth-db-'))
afterEach(() => rmSync(parent, { recursive: true, force: true }))

describe('openDatabase', () => {
  it('keeps the locks of a connection already open in the process (another worker thread\'s) when it opens the file again', () => {
    const dataDir = path.join(parent, 'locks')
    const file = path.join(dataDir, DATABASE_FILE)
    const first = openDatabase(dataDir)
    expect(posixLocksHeld(file, process.pid)).toBeGreaterThanOrEqual(1)
    const second = openDatabase(dataDir)
    second.prepare("INSERT INTO users (username, password_hash, created_at) VALUES ('a', 'h', 0)").run()
    expect(posixLocksHeld(file, process.pid)).toBeGreaterThanOrEqual(1)
    // A client that found no lock would take itself for the last one and delete the WAL on exit.
    const shell = spawnSync('sqlite3', [file, 'SELECT count(*) FROM users;'], { encoding: 'utf8' })
    expect([shell.status, shell.stdout.trim()]).toEqual([0, '1'])
    expect(existsSync(`${file}-wal`)).toBe(true)
    first.close()
    second.close()
  })

  it('creates DATA_DIR readable by the owner only, in WAL mode with full sync and foreign keys', () => {
    const dataDir = path.join(parent, 'nested', 'data')
    const db = openDatabase(dataDir)
    expect(statSync(dataDir).mode & 0o777).toBe(0o700)
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal')
    expect(db.pragma('synchronous', { simple: true })).toBe(2)
    expect(db.pragma('foreign_keys', { simple: true })).toBe(1)
    db.close()
  })

  it('migrates once: reopening keeps data and schema version', () => {
    const dataDir = path.join(parent, 'again')
    const first = openDatabase(dataDir)
    const version = first.pragma('user_version', { simple: true })
    first.prepare("INSERT INTO users (username, password_hash, created_at) VALUES ('a', 'h', 0)").run()
    first.close()
    const second = openDatabase(dataDir)
    expect(second.pragma('user_version', { simple: true })).toBe(version)
    expect(second.prepare('SELECT username FROM users').all()).toEqual([{ username: 'a' }])
    second.close()
  })
})
