import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import Database from 'better-sqlite3'
import { afterEach, describe, expect, it } from 'vitest'
import { DATABASE_FILE, openDatabase } from './database.js'
import { ENGINES, openTestEngine } from '../test-support/test-engine.js'
import { hashCookieId } from './cookie-id-hash.js'
import { MIGRATIONS } from './migrations.js'
import { UserStore } from './user-store.js'
import { asOperator } from '../test-support/as-operator.js'

const dirs: string[] = []
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true })
})
const freshDir = () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'tokenauth-migrate-'))
  dirs.push(dir)
  return dir
}

// Both engines: SQLite needs AUTOINCREMENT for this, PostgreSQL's identity columns never go back.
describe.each(ENGINES)('user ids on %s', (kind) => {
  it('are never reused: a removed user’s id does not go to the next new user', async () => {
    const { engine, dispose } = await openTestEngine(kind)
    try {
      const users = new UserStore(engine)
      const create = (username: string) => asOperator(engine, (tx) => users.create({ username, passwordHash: 'h', roles: [], createdAt: 0 }, tx))
      await create('a')
      const b = await create('b')
      await asOperator(engine, (tx) => users.removeById(b.id, tx))
      const c = await create('c')
      expect(c.id).toBe(b.id + 1)
    } finally {
      await dispose()
    }
  })
})

describe('migrating a database of the previous version', () => {
  it('hashes stored cookie ids and keeps users, their ids, sessions and notes', () => {
    const dir = freshDir()
    const old = new Database(path.join(dir, DATABASE_FILE))
    old.exec(`${MIGRATIONS[0]}${MIGRATIONS[1]}`)
    old.pragma("user_version = 2")
    old.exec(`
      INSERT INTO users (id, username, password_hash, created_at) VALUES (7, 'alice', 'h', 0);
      INSERT INTO sessions (cookie_id, handle, user_id, created_at, last_seen_at, absolute_expires_at, cookie)
        VALUES ('raw-cookie-id', 'handle-1', 7, 0, 0, 1, '{}');
      INSERT INTO retired_cookie_ids (cookie_id, handle, retired_at) VALUES ('old-raw-id', 'handle-1', 0);
      INSERT INTO notes (owner_id, text, created_at) VALUES (7, 'kept', 0);
    `)
    old.close()

    const db = openDatabase(dir)
    expect(db.prepare('SELECT id, username FROM users').all()).toEqual([{ id: 7, username: 'alice' }])
    expect(db.prepare('SELECT cookie_id, handle FROM sessions').all()).toEqual([{ cookie_id: hashCookieId('raw-cookie-id'), handle: 'handle-1' }])
    expect(db.prepare('SELECT cookie_id FROM retired_cookie_ids').all()).toEqual([{ cookie_id: hashCookieId('old-raw-id') }])
    expect(db.prepare('SELECT text FROM notes').all()).toEqual([{ text: 'kept' }])
    expect(db.pragma('foreign_keys', { simple: true })).toBe(1)
    // Deleting the user still cascades: the rebuilt table is the one the foreign keys name.
    db.prepare('DELETE FROM users WHERE id = 7').run()
    expect(db.prepare('SELECT count(*) AS n FROM sessions').get()).toEqual({ n: 0 })
    db.close()
  })
})
