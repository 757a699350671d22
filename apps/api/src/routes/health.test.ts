import { spawnSync } from 'node:child_process'
import { chmodSync, readdirSync } from 'node:fs'
import { afterEach, describe, expect, it } from 'vitest'
import { createTestApp, type TestApp } from '../test-support/test-app.js'

let t: TestApp | undefined
let restore: (() => void) | undefined
afterEach(async () => {
  restore?.()
  restore = undefined
  await t?.close()
  t = undefined
})

/**
 * Makes `dir` refuse new files. Root writes through permission bits, so as root the
 * folder is made immutable (chattr +i) instead of read-only.
 */
function refuseNewFiles(dir: string): () => void {
  if (process.getuid?.() === 0) {
    const set = spawnSync('chattr', ['+i', dir], { encoding: 'utf8' })
    if (set.status !== 0) throw new Error(`chattr +i ${dir}: ${set.stderr}`)
    return () => void spawnSync('chattr', ['-i', dir])
  }
  chmodSync(dir, 0o500)
  return () => chmodSync(dir, 0o700)
}

describe('GET /api/health/ready on SQLite', () => {
  it('is ok while the database reads and DATA_DIR takes a file, and leaves no probe file behind', async () => {
    t = await createTestApp({}, undefined, { engine: 'sqlite' })
    const before = readdirSync(t.dataDir).sort()
    const ready = await t.app.inject({ url: '/api/health/ready' })
    expect(ready.statusCode).toBe(200)
    expect(ready.json()).toEqual({ status: 'ok' })
    expect(readdirSync(t.dataDir).sort()).toEqual(before)
  })

  it('answers 503 naming data_dir while DATA_DIR refuses new files, and ok again once it takes them', async () => {
    t = await createTestApp({}, undefined, { engine: 'sqlite' })
    restore = refuseNewFiles(t.dataDir)
    const notReady = await t.app.inject({ url: '/api/health/ready' })
    expect(notReady.statusCode).toBe(503)
    expect(notReady.json()).toEqual({ status: 'unavailable', failing: ['data_dir'] })
    expect(notReady.headers['retry-after']).toBe('5')
    // Liveness is about the process, not its disk.
    expect((await t.app.inject({ url: '/api/health' })).statusCode).toBe(200)
    restore()
    restore = undefined
    expect((await t.app.inject({ url: '/api/health/ready' })).json()).toEqual({ status: 'ok' })
  })

  it('answers 503 naming sqlite when the database cannot be read', async () => {
    t = await createTestApp({}, undefined, { engine: 'sqlite' })
    if (t.services.engine.kind !== 'sqlite') throw new Error('this test needs the SQLite engine')
    // The connection closed under the server: every read fails as a broken database would.
    t.services.engine.sqlite.close()
    const notReady = await t.app.inject({ url: '/api/health/ready' })
    expect(notReady.statusCode).toBe(503)
    expect(notReady.json()).toEqual({ status: 'unavailable', failing: ['sqlite'] })
  })
})
