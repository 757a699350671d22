import { mkdtempSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { openDatabase } from './database.js'

const parent = mkdtempSync(path.join(tmpdir(), 'tokenauth-db-'))
afterEach(() => rmSync(parent, { recursive: true, force: true }))

describe('openDatabase', () => {
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
