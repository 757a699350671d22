import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { spawnSync } from 'node:child_process'
import { afterAll, describe, expect, it, vi } from 'vitest'
import { openDatabase } from './database.js'
import { cacheUntilChanged } from './live-view-cache.js'
import { SessionStore } from './session-store.js'
import { UserStore } from './user-store.js'
import { createTestApp } from '../test-support/test-app.js'

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
  function twoConnections() {
    const dir = mkdtempSync(path.join(tmpdir(), 'tokenauth-cache-'))
    dirs.push(dir)
    const a = openDatabase(dir)
    const b = openDatabase(dir)
    const userId = new UserStore(a).create({ username: 'alice', passwordHash: 'hash', roles: ['admin'], createdAt: Date.now() }).id
    return { a, b, userId, sessionsA: new SessionStore(a), sessionsB: new SessionStore(b) }
  }

  it('sees a session deleted through another connection at the very next lookup, 1,000 times out of 1,000', () => {
    const { a, b, userId, sessionsA, sessionsB } = twoConnections()
    let accepted = 0
    for (let i = 0; i < 1000; i++) {
      const handle = `h-${i}`
      const now = Date.now()
      sessionsA.create({ cookieId: `c-${i}`, handle, userId, createdAt: now, lastSeenAt: now, absoluteExpiresAt: now + 60_000, cookie: '{}', userAgent: null, ip: null })
      expect(sessionsA.findLiveView(handle)?.userId).toBe(userId)
      expect(sessionsA.findLiveView(handle)?.userId).toBe(userId)
      sessionsB.deleteByHandle(handle)
      if (sessionsA.findLiveView(handle) !== undefined) accepted++
    }
    expect(accepted).toBe(0)
    a.close()
    b.close()
  })

  it('sees a user disabled through another connection at once', () => {
    const { a, b, userId, sessionsA } = twoConnections()
    const now = Date.now()
    sessionsA.create({ cookieId: 'c', handle: 'h', userId, createdAt: now, lastSeenAt: now, absoluteExpiresAt: now + 60_000, cookie: '{}', userAgent: null, ip: null })
    expect(sessionsA.findLiveView('h')?.disabled).toBe(false)
    new UserStore(b).setDisabled(userId, true)
    expect(sessionsA.findLiveView('h')?.disabled).toBe(true)
    a.close()
    b.close()
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
