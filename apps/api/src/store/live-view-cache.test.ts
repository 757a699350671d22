import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { spawnSync } from 'node:child_process'
import { afterAll, describe, expect, it, vi } from 'vitest'
import { openSqlite } from './engine.js'
import type { LiveSessionView } from './session-store.js'
import { cacheUntilChanged } from './live-view-cache.js'
import { SessionStore } from './session-store.js'
import { UserStore } from './user-store.js'
import { createTestApp } from '../test-support/test-app.js'
import { asOperator } from '../test-support/as-operator.js'

const dirs: string[] = []
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true })
})

describe('cacheUntilChanged', () => {
  it('asks the source once while nothing changes, again after any change, and never keeps an absence', () => {
    let changed = false
    const find = vi.fn((key: string) => (key === 'missing' ? undefined : { key }))
    const lookup = cacheUntilChanged(find, () => changed)

    expect(lookup('a')).toEqual({ key: 'a' })
    expect(lookup('a')).toEqual({ key: 'a' })
    expect(find).toHaveBeenCalledTimes(1)

    changed = true
    lookup('a')
    expect(find).toHaveBeenCalledTimes(2)
    changed = false

    lookup('missing')
    lookup('missing')
    expect(find).toHaveBeenCalledTimes(4)
  })
})

describe('the session lookup cache', () => {
  async function twoConnections() {
    const dir = mkdtempSync(path.join(tmpdir(), 'tokenauth-cache-'))
    dirs.push(dir)
    const a = openSqlite(dir)
    const b = openSqlite(dir)
    const userId = (await asOperator(a, (tx) => new UserStore(a).create({ username: 'alice', passwordHash: 'hash', roles: ['admin'], createdAt: Date.now() }, tx))).id
    const sessionsA = new SessionStore(a)
    // On SQLite the lookup answers synchronously, a cache hit or not: the hot path takes no promise.
    const viewA = (handle: string): LiveSessionView | undefined => {
      const view = sessionsA.findLiveView(handle)
      if (view instanceof Promise) throw new Error('the SQLite session lookup returned a promise')
      return view
    }
    return { a, b, userId, sessionsA, viewA, sessionsB: new SessionStore(b) }
  }

  it('sees a session deleted through another connection at the very next lookup, 1,000 times out of 1,000', async () => {
    const { a, b, userId, sessionsA, viewA, sessionsB } = await twoConnections()
    let accepted = 0
    for (let i = 0; i < 1000; i++) {
      const handle = `h-${i}`
      const now = Date.now()
      await sessionsA.create({ cookieId: `c-${i}`, handle, userId, createdAt: now, lastSeenAt: now, absoluteExpiresAt: now + 60_000, cookie: '{}', userAgent: null, ip: null })
      expect(viewA(handle)?.userId).toBe(userId)
      expect(viewA(handle)?.userId).toBe(userId)
      await sessionsB.end(handle)
      if (viewA(handle) !== undefined) accepted++
    }
    expect(accepted).toBe(0)
    await a.close()
    await b.close()
  })

  it('sees a user disabled through another connection at once', async () => {
    const { a, b, userId, sessionsA, viewA } = await twoConnections()
    const now = Date.now()
    await sessionsA.create({ cookieId: 'c', handle: 'h', userId, createdAt: now, lastSeenAt: now, absoluteExpiresAt: now + 60_000, cookie: '{}', userAgent: null, ip: null })
    expect(viewA('h')?.disabled).toBe(false)
    await asOperator(b, (tx) => new UserStore(b).setDisabled(userId, true, tx))
    expect(viewA('h')?.disabled).toBe(true)
    await a.close()
    await b.close()
  })

  it('refuses the very next request after another process (the users CLI) removes the user', async () => {
    const t = await createTestApp()
    try {
      await t.addUser('carol', 'carol passphrase 1')
      const { token } = await t.login('carol', 'carol passphrase 1')
      for (let i = 0; i < 3; i++) expect((await t.app.inject({ url: '/api/me', headers: { token } })).statusCode).toBe(200)
      const cli = path.resolve(import.meta.dirname, '../cli/users.ts')
      const removed = spawnSync(process.execPath, ['--conditions=source', '--import', 'tsx', cli, 'remove', 'carol'], {
        env: { ...process.env, DATA_DIR: t.dataDir, NODE_ENV: 'test' },
        encoding: 'utf8',
      })
      expect(removed.status, removed.stderr).toBe(0)
      const after = await t.app.inject({ url: '/api/me', headers: { token } })
      expect(after.statusCode).toBe(401)
      expect(after.json().error.code).toBe('revoked_token')
    } finally {
      await t.close()
    }
  }, 30_000)
})
