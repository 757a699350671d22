import { spawnSync } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import path from 'node:path'
import Database from 'better-sqlite3'
import { afterAll, describe, expect, it } from 'vitest'
import { openDatabase, type Db } from './database.js'
import { countersChangeSignal, sqliteChangeSignals } from './change-signal.js'
import { posixLocksHeld } from '../test-support/proc-locks.js'

const dirs: string[] = []
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true })
})

function twoConnections(): { a: Db; b: Db; dir: string } {
  const dir = mkdtempSync(path.join(tmpdir(), 'tokenauth-signal-'))
  dirs.push(dir)
  const a = openDatabase(dir)
  a.exec('CREATE TABLE IF NOT EXISTS t (v INTEGER)')
  return { a, b: openDatabase(dir), dir }
}

describe('the WAL-index change signal', () => {
  it('says "changed" once after each commit, by this connection or another, and not after reads', () => {
    const { a, b } = twoConnections()
    const signals = sqliteChangeSignals(a)
    const changed = signals.create()
    expect(changed()).toBe(true)
    expect(changed()).toBe(false)
    a.prepare('SELECT count(*) FROM t').get()
    b.prepare('SELECT count(*) FROM t').get()
    expect(changed()).toBe(false)

    a.prepare('INSERT INTO t VALUES (1)').run()
    expect(changed()).toBe(true)
    expect(changed()).toBe(false)
    b.prepare('INSERT INTO t VALUES (2)').run()
    expect(changed()).toBe(true)
    expect(changed()).toBe(false)
    signals.close()
  })

  it('misses none of 1,000 commits through another connection, across checkpoints', () => {
    const { a, b } = twoConnections()
    const signals = sqliteChangeSignals(a)
    const changed = signals.create()
    changed()
    let missed = 0
    for (let i = 0; i < 1000; i++) {
      b.prepare('INSERT INTO t VALUES (?)').run(i)
      if (i % 100 === 99) b.pragma('wal_checkpoint(TRUNCATE)')
      if (!changed()) missed++
      if (changed()) missed += 1000
    }
    expect(missed).toBe(0)
    signals.close()
  })

  it('sees a commit by another process', () => {
    const { a, dir } = twoConnections()
    const signals = sqliteChangeSignals(a)
    const changed = signals.create()
    changed()
    const betterSqlite = createRequire(import.meta.url).resolve('better-sqlite3')
    const script = `const D = require(${JSON.stringify(betterSqlite)}); const db = new D(${JSON.stringify(path.join(dir, 'tokenauth.sqlite'))}); db.prepare('INSERT INTO t VALUES (9)').run(); db.close()`
    const child = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8' })
    expect(child.stderr).toBe('')
    expect(changed()).toBe(true)
    expect(changed()).toBe(false)
    signals.close()
  })

  it('gives each asker its own view: one asking does not hide a change from another', () => {
    const { a, b } = twoConnections()
    const signals = sqliteChangeSignals(a)
    const first = signals.create()
    const second = signals.create()
    first()
    second()
    b.prepare('INSERT INTO t VALUES (3)').run()
    expect(first()).toBe(true)
    expect(second()).toBe(true)
    signals.close()
  })

  it('says "changed" on every ask once closed', () => {
    const { a } = twoConnections()
    const signals = sqliteChangeSignals(a)
    const changed = signals.create()
    changed()
    signals.close()
    expect(changed()).toBe(true)
    expect(changed()).toBe(true)
  })

  it('closing leaves the -shm locks of another connection in the process (another worker thread\'s) held', () => {
    const { a, b, dir } = twoConnections()
    const shm = path.join(dir, 'tokenauth.sqlite-shm')
    const signals = sqliteChangeSignals(a)
    signals.create()()
    expect(posixLocksHeld(shm, process.pid)).toBeGreaterThanOrEqual(1)
    signals.close()
    a.close()
    b.prepare('INSERT INTO t VALUES (4)').run()
    expect(posixLocksHeld(shm, process.pid)).toBeGreaterThanOrEqual(1)
    b.close()
  })

  it('follows the -shm file SQLite makes anew after the last connection closed', () => {
    const { a, b, dir } = twoConnections()
    const first = sqliteChangeSignals(a)
    first.create()()
    first.close()
    a.close()
    b.close()
    const reopened = openDatabase(dir)
    const other = openDatabase(dir)
    const signals = sqliteChangeSignals(reopened)
    const changed = signals.create()
    changed()
    expect(changed()).toBe(false)
    other.prepare('INSERT INTO t VALUES (5)').run()
    expect(changed()).toBe(true)
    signals.close()
    reopened.close()
    other.close()
  })

  it('falls back to the counters for a database without a -shm file (in memory)', () => {
    const db = new Database(':memory:')
    db.exec('CREATE TABLE t (v INTEGER)')
    const changed = sqliteChangeSignals(db).create()
    expect(changed()).toBe(true)
    expect(changed()).toBe(false)
    db.prepare('INSERT INTO t VALUES (1)').run()
    expect(changed()).toBe(true)
    const counters = countersChangeSignal(db)
    expect(counters()).toBe(true)
    expect(counters()).toBe(false)
    db.close()
  })
})
