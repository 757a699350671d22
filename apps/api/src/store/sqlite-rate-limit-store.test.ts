import { chmodSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { manualClock } from '../test-support/test-app.js'
import { posixLocksHeld } from '../test-support/proc-locks.js'
import { COUNTERS_FILE, SqliteRateLimitStore } from './sqlite-rate-limit-store.js'

let dir: string
const open: SqliteRateLimitStore[] = []
const store = (prefix: string, clock = manualClock()) => {
  const created = new SqliteRateLimitStore(dir, prefix, clock)
  open.push(created)
  return created
}
beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'tokenauth-counters-'))
})
afterEach(() => {
  for (const s of open.splice(0)) s.close()
  rmSync(dir, { recursive: true, force: true })
})

describe('SqliteRateLimitStore (the counters every worker shares without Redis)', () => {
  it('counts in a fixed window from the first hit, and starts again after it', async () => {
    const clock = manualClock()
    const s = store('r:', clock)
    const start = clock()
    expect(await s.increment('k', 1000, 'fixed')).toEqual({ count: 1, lastHitAt: start, expiresAt: start + 1000 })
    clock.advance(600)
    expect(await s.increment('k', 1000, 'fixed')).toEqual({ count: 2, lastHitAt: start + 600, expiresAt: start + 1000 })
    clock.advance(400)
    expect(await s.get('k')).toBeUndefined()
    expect(await s.increment('k', 1000, 'fixed')).toEqual({ count: 1, lastHitAt: start + 1000, expiresAt: start + 2000 })
  })

  it('keeps a sliding counter alive a window after its latest hit', async () => {
    const clock = manualClock()
    const s = store('r:', clock)
    for (let i = 0; i < 5; i++) {
      await s.increment('k', 1000, 'sliding')
      clock.advance(900)
    }
    expect((await s.get('k'))?.count).toBe(5)
    clock.advance(100)
    expect(await s.get('k')).toBeUndefined()
  })

  it('two connections to one file (two workers) add up, and prefixes keep keyspaces apart', async () => {
    const clock = manualClock()
    const a = store('requests:', clock)
    const b = store('requests:', clock)
    for (let i = 0; i < 10; i++) await (i % 2 ? a : b).increment('ip', 60_000, 'fixed')
    expect((await a.get('ip'))?.count).toBe(10)
    expect(await store('logins:', clock).get('ip')).toBeUndefined()
    await b.delete('ip')
    expect(await a.get('ip')).toBeUndefined()
  })

  it('decrement takes one back, forgets the key at zero, and never creates one', async () => {
    const s = store('p:')
    await s.increment('k', 60_000, 'sliding')
    await s.increment('k', 60_000, 'sliding')
    await s.decrement('k')
    expect((await s.get('k'))?.count).toBe(1)
    await s.decrement('k')
    expect(await s.get('k')).toBeUndefined()
    await s.decrement('missing')
    expect(await s.get('missing')).toBeUndefined()
  })

  it('keeps its files owner-only (0600) in a folder anyone may read: the keys name users and addresses', async () => {
    chmodSync(dir, 0o755)
    await store('logins:').increment('login:account:alice', 60_000, 'sliding')
    const files = readdirSync(dir).filter((name) => name.startsWith(COUNTERS_FILE))
    expect(files).toEqual(expect.arrayContaining([COUNTERS_FILE, `${COUNTERS_FILE}-wal`, `${COUNTERS_FILE}-shm`]))
    for (const name of files) expect([name, statSync(path.join(dir, name)).mode & 0o777]).toEqual([name, 0o600])
  })

  it('keeps the locks of a store already open in the process (another worker thread\'s) when another opens the file', async () => {
    await store('a:').increment('k', 60_000, 'sliding')
    const file = path.join(dir, COUNTERS_FILE)
    expect(posixLocksHeld(file, process.pid)).toBeGreaterThanOrEqual(1)
    await store('b:').increment('k', 60_000, 'sliding')
    expect(posixLocksHeld(file, process.pid)).toBeGreaterThanOrEqual(1)
  })
})
