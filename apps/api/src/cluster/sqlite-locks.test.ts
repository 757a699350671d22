import { spawnSync } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { hashPassword } from '../auth/passwords.js'
import { DATABASE_FILE } from '../store/database.js'
import { openSqlite } from '../store/engine.js'
import { UserStore } from '../store/user-store.js'
import { asOperator } from '../test-support/as-operator.js'
import { posixLocksHeld } from '../test-support/proc-locks.js'
import { send, startServerProcess, type ServerProcess } from '../test-support/server-process.js'

/**
 * `WORKERS=2` on SQLite: while the server runs, its connections' POSIX locks on the
 * database must stay held, or any other SQLite client (an operator's `sqlite3` look, a
 * backup script) takes itself for the last connection when it exits, checkpoints and
 * deletes the WAL and shared memory under the server: revocations are then missed and
 * acknowledged writes lost at the next crash.
 */
const dataDir = mkdtempSync(path.join(tmpdir(), 'tokenauth-locks-'))
const probeDir = mkdtempSync(path.join(tmpdir(), 'tokenauth-locks-probe-'))
const database = path.join(dataDir, DATABASE_FILE)
const PASSWORD = 'locks test passphrase'
const running: ServerProcess[] = []
afterAll(async () => {
  for (const server of running) await server.stop('SIGKILL')
  rmSync(dataDir, { recursive: true, force: true })
  rmSync(probeDir, { recursive: true, force: true })
})

async function startTwoWorkers(): Promise<ServerProcess> {
  const server = await startServerProcess(
    { DATA_DIR: dataDir, WORKERS: '2', RATE_LIMIT_MAX: '1000000', TOKENAUTH_TEST_PROBE_DIR: probeDir },
    ['--import', path.join(import.meta.dirname, '../test-support/thread-probe.ts')],
  )
  running.push(server)
  for (let i = 0; i < 200 && !server.stdout().includes('2 workers listening'); i++) await new Promise((r) => setTimeout(r, 50))
  expect(server.stdout()).toContain('2 workers listening')
  return server
}

function answeredBy(): number[] {
  return readFileSync(path.join(probeDir, 'answered'), 'utf8').split('\n').filter(Boolean).map(Number)
}

async function signIn(base: string, username: string): Promise<string> {
  const login = await send(base, 'POST', '/api/auth/login', { body: { username, password: PASSWORD } })
  expect(login.status).toBe(200)
  return (login.body as { token: string }).token
}

/** The Debian `sqlite3` shell, run once against the file: it opens, reads, and closes. */
function sqliteShell(sql: string): string {
  const shell = spawnSync('sqlite3', ['-cmd', '.timeout 5000', database, sql], { encoding: 'utf8' })
  expect(shell.error).toBeUndefined()
  expect(shell.stderr).toBe('')
  expect(shell.status).toBe(0)
  return shell.stdout.trim()
}

describe('SQLite locks under WORKERS=2', () => {
  it('stay held, so a sqlite3 shell closing beside the server leaves its WAL; revocations and acknowledged writes survive', async () => {
    const seed = openSqlite(dataDir)
    const users = new UserStore(seed)
    const hash = await hashPassword(PASSWORD)
    for (const username of ['alice', 'bob', 'carol']) await asOperator(seed, (tx) => users.create({ username, passwordHash: hash, roles: [], createdAt: Date.now() }, tx))
    await seed.close()

    const server = await startTwoWorkers()
    const pid = server.child.pid ?? 0
    const alice = await signIn(server.base, 'alice')
    const bob = await signIn(server.base, 'bob')
    const carol = await signIn(server.base, 'carol')
    for (let i = 0; i < 20; i++) expect((await send(server.base, 'GET', '/api/me', { token: bob })).status).toBe(200)

    // As with WORKERS=1: the connections' SHARED lock on the file, their lock on the -shm.
    expect(posixLocksHeld(database, pid), 'locks on the database file').toBeGreaterThanOrEqual(1)
    expect(posixLocksHeld(`${database}-shm`, pid), 'locks on the -shm file').toBeGreaterThanOrEqual(1)

    expect(sqliteShell('SELECT count(*) FROM users;')).toBe('3')
    expect(existsSync(`${database}-wal`), 'the WAL after the shell exits').toBe(true)

    // Acknowledged writes after the shell's look, on either thread.
    const notes: string[] = []
    for (let i = 0; i < 10; i++) {
      const note = await send(server.base, 'POST', '/api/notes', { token: alice, body: { text: `note ${i}` } })
      expect(note.status).toBe(201)
      notes.push(`note ${i}`)
    }
    expect((await send(server.base, 'POST', '/api/auth/logout', { token: carol })).status).toBe(204)

    const removed = spawnSync(process.execPath, ['--conditions=source', '--import', 'tsx', path.join(import.meta.dirname, '../cli/users.ts'), 'remove', 'bob'], {
      env: { ...process.env, DATA_DIR: dataDir, NODE_ENV: 'development' },
      encoding: 'utf8',
    })
    expect(removed.status, removed.stderr).toBe(0)

    // Each request on a connection of its own, so both threads answer.
    const before = answeredBy().length
    const statuses: number[] = []
    for (let i = 0; i < 20; i++) statuses.push((await send(server.base, 'GET', '/api/me', { token: bob })).status)
    expect(statuses).toEqual(Array<number>(20).fill(401))
    expect(new Set(answeredBy().slice(before)).size).toBe(2)
    expect((await send(server.base, 'GET', '/api/me', { token: carol })).status).toBe(401)
    expect(existsSync(`${database}-wal`), 'the WAL while the server runs').toBe(true)

    await server.stop('SIGKILL')
    const restarted = await startTwoWorkers()
    try {
      const listed = await send(restarted.base, 'GET', '/api/notes', { token: alice })
      expect(listed.status, 'alice\'s session').toBe(200)
      const texts = (listed.body as { notes: { text: string }[] }).notes.map((note) => note.text)
      expect(texts.sort()).toEqual([...notes].sort())
      expect((await send(restarted.base, 'GET', '/api/me', { token: carol })).status, 'the signed-out token').toBe(401)
      expect((await send(restarted.base, 'GET', '/api/me', { token: bob })).status, 'the removed user\'s token').toBe(401)
      expect(sqliteShell("SELECT count(*) FROM users WHERE username = 'bob';")).toBe('0')
    } finally {
      await restarted.stop('SIGKILL')
    }
  }, 60_000)
})
