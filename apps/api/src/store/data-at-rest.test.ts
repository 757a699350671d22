import { chmodSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import Database from 'better-sqlite3'
import { afterEach, describe, expect, it } from 'vitest'
import { createTestApp, ALICE_PASSWORD, type TestApp, allRows } from '../test-support/test-app.js'
import { loadSecrets } from '../config/secrets.js'
import { loadConfig } from '../config/config.js'
import { DATABASE_FILE } from './database.js'

let t: TestApp | undefined
const folders: string[] = []
afterEach(async () => {
  await t?.close()
  t = undefined
  for (const folder of folders.splice(0)) rmSync(folder, { recursive: true, force: true })
})

/** A DATA_DIR that already exists and anyone may read (`mkdir` with a 022 umask). */
function openFolder(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'tokenauth-open-'))
  chmodSync(dir, 0o755)
  folders.push(dir)
  return dir
}

const modeOf = (file: string) => statSync(file).mode & 0o777

describe('files in DATA_DIR', () => {
  it('are 0600 even when the folder is 0755: the database, its WAL and shared-memory files', async () => {
    const dir = openFolder()
    t = await createTestApp({}, undefined, { dataDir: dir })
    await t.addUser('alice', ALICE_PASSWORD)
    await t.login('alice', ALICE_PASSWORD)
    // Every file the server made there, not only the database's.
    const files = readdirSync(dir)
    expect(files).toEqual(expect.arrayContaining([DATABASE_FILE, `${DATABASE_FILE}-wal`, `${DATABASE_FILE}-shm`]))
    for (const name of files) expect([name, modeOf(path.join(dir, name))]).toEqual([name, 0o600])
  })

  it('makes a database left world-readable by an older version 0600 on start', async () => {
    const dir = openFolder()
    new Database(path.join(dir, DATABASE_FILE)).close()
    chmodSync(path.join(dir, DATABASE_FILE), 0o644)
    t = await createTestApp({}, undefined, { dataDir: dir })
    expect(modeOf(path.join(dir, DATABASE_FILE))).toBe(0o600)
  })

  it('writes the generated development secrets 0600', () => {
    const dir = openFolder()
    loadSecrets(loadConfig({ NODE_ENV: 'development', DATA_DIR: dir }))
    for (const name of readdirSync(dir)) expect([name, modeOf(path.join(dir, name))]).toEqual([name, 0o600])
  })
})

describe('session cookie ids at rest', () => {
  it('the sessions table holds a hash of the cookie id, not the id in the cookie', async () => {
    t = await createTestApp()
    await t.addUser('alice', ALICE_PASSWORD)
    const { cookie } = await t.login('alice', ALICE_PASSWORD)
    const signed = decodeURIComponent(cookie.slice(cookie.indexOf('=') + 1))
    const cookieId = signed.slice(0, signed.lastIndexOf('.'))
    const stored = await allRows(t.services, 'sessions')
    expect(stored).toHaveLength(1)
    expect(stored[0]?.cookie_id).not.toBe(cookieId)
    expect(stored[0]?.cookie_id).not.toContain(cookieId)
  })
})
