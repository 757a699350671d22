import { execFile, spawn, type ChildProcess } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { hashPassword } from '../auth/passwords.js'
import { openEngine } from './engine.js'
import { ENGINES, type EngineKind } from '../test-support/test-engine.js'
import { createTestPostgresDatabase } from '../test-support/postgres-database.js'
import { UserStore } from './user-store.js'
import { DATABASE_FILE } from './database.js'
import { asOperator } from '../test-support/as-operator.js'

/**
 * The real server, from source, killed with SIGKILL in the middle of writes (logins,
 * notes, password resets) and restarted on the same DATA_DIR: nothing it acknowledged
 * with a 2xx may be missing. A process crash, not a power cut: `synchronous=FULL` is
 * what would also cover the latter, and no test here can pull the plug. On SQLite the
 * `sqlite3` shell reads the live file during the load, as an operator's look or a backup
 * would: it must not take itself for the last connection and checkpoint the WAL away.
 */
const root = path.resolve(import.meta.dirname, '../../../..')
const serverEntry = path.join(root, 'apps/api/src/server.ts')
/** A fresh DATA_DIR for each round. */
let dataDir = ''
const folders: string[] = []
/** Clients writing at once. */
const WRITERS = 4
const LOAD_MS = 1200
const PASSWORD = 'crash test passphrase 1'

const running = new Set<ChildProcess>()
/** The round's WORKERS, and DATABASE_URL when it runs on PostgreSQL. */
let serverEnv: Record<string, string> = {}
afterAll(() => {
  for (const child of running) child.kill('SIGKILL')
  for (const folder of folders) rmSync(folder, { recursive: true, force: true })
})

/** Everything the server said yes to, to look for after the restart. */
const acknowledged = {
  notes: new Map<number, string>(),
  tokens: [] as string[],
  /**
   * Per user: the last password whose reset got a 2xx, then any sent after it that a kill
   * cut off (which may or may not have committed). One of them must sign in.
   */
  passwords: new Map<string, string[]>(),
}
const ADMIN_PASSWORD = 'root passphrase 1'

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const address = server.address()
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))))
    })
  })
}

interface Server {
  readonly base: string
  readonly child: ChildProcess
}

async function startServer(): Promise<Server> {
  const port = await freePort()
  const child = spawn(process.execPath, ['--conditions=source', '--import', 'tsx', serverEntry], {
    cwd: root,
    env: {
      ...process.env,
      NODE_ENV: 'development',
      DATA_DIR: dataDir,
      HOST: '127.0.0.1',
      PORT: String(port),
      LOG_LEVEL: 'error',
      RATE_LIMIT_MAX: '1000000000',
      LOGIN_FAILURES_PER_ACCOUNT: '1000000000',
      LOGIN_FAILURES_PER_IP: '1000000000',
      MAX_QUEUED_HASHES: '10000',
      ...serverEnv,
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  })
  running.add(child)
  child.once('exit', () => running.delete(child))
  const base = `http://127.0.0.1:${port}`
  // A start, not a guarantee under test: on a loaded machine a WORKERS=2 start takes a while.
  const deadline = Date.now() + (serverEnv.WORKERS !== undefined && serverEnv.WORKERS !== '1' ? 90_000 : 30_000)
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`server exited with ${child.exitCode}`)
    if (await fetch(`${base}/api/health`).then((r) => r.ok, () => false)) return { base, child }
    await new Promise((r) => setTimeout(r, 50))
  }
  throw new Error('server did not become healthy')
}

async function kill(server: Server): Promise<void> {
  const exited = new Promise((resolve) => server.child.once('exit', resolve))
  server.child.kill('SIGKILL')
  await exited
}

async function call(base: string, method: string, url: string, body?: object, token?: string) {
  const response = await fetch(`${base}${url}`, {
    method,
    headers: { ...(body ? { 'content-type': 'application/json' } : {}), ...(token ? { token } : {}) },
    ...(body ? { body: JSON.stringify(body) } : {}),
  })
  return { status: response.status, body: (await response.json().catch(() => null)) as Record<string, unknown> | null }
}

/** Writes as fast as the server takes them until `stop`, recording each 2xx. Errors after the kill are expected. */
async function writeUntil(base: string, adminToken: string, stop: { now: boolean }, worker: number): Promise<void> {
  let n = 0
  try {
    while (!stop.now) {
      n++
      const login = await call(base, 'POST', '/api/auth/login', { username: `writer${worker}`, password: PASSWORD })
      if (login.status !== 200) throw new Error(`login answered ${login.status}`)
      const token = String(login.body?.token)
      acknowledged.tokens.push(token)
      for (let i = 0; i < 5 && !stop.now; i++) {
        const text = `note ${worker}.${n}.${i}`
        const note = await call(base, 'POST', '/api/notes', { text }, token)
        if (note.status !== 201) throw new Error(`note answered ${note.status}`)
        acknowledged.notes.set(Number(note.body?.id), text)
      }
      const target = `reset${worker}`
      const newPassword = `new passphrase ${worker} ${n}`
      acknowledged.passwords.set(target, [...(acknowledged.passwords.get(target) ?? [PASSWORD]), newPassword])
      const users = await call(base, 'GET', '/api/users', undefined, adminToken)
      const id = (users.body?.users as { id: number; username: string }[]).find((u) => u.username === target)?.id
      const reset = await call(base, 'POST', `/api/users/${id}/password`, { newPassword }, adminToken)
      if (reset.status !== 200) throw new Error(`reset answered ${reset.status}`)
      acknowledged.passwords.set(target, [newPassword])
    }
  } catch (error) {
    if (!stop.now) throw error
  }
}

async function loadThenKill(server: Server, adminToken: string): Promise<void> {
  const stop = { now: false }
  const writers = Array.from({ length: WRITERS }, (_, worker) => writeUntil(server.base, adminToken, stop, worker))
  await new Promise((r) => setTimeout(r, LOAD_MS / 2))
  if (serverEnv.DATABASE_URL === undefined) await sqliteShellLook()
  await new Promise((r) => setTimeout(r, LOAD_MS / 2))
  stop.now = true
  await kill(server)
  await Promise.all(writers)
}

async function expectEverythingAcknowledged(base: string): Promise<void> {
  const admin = await call(base, 'POST', '/api/auth/login', { username: 'root', password: ADMIN_PASSWORD })
  expect(admin.status).toBe(200)
  // Read from the database itself: GET /api/notes answers the newest 500, and a fast
  // server acknowledges more than that before the kill.
  const engine = await openEngine({ dataDir, databaseUrl: serverEnv.DATABASE_URL })
  const rows = await engine.db.selectFrom('notes').select(['id', 'text']).execute().finally(() => engine.close())
  const stored = new Map(rows.map((note) => [note.id, note.text]))
  for (const [id, text] of acknowledged.notes) expect(stored.get(id), `note ${id}`).toBe(text)
  for (const token of acknowledged.tokens) expect((await call(base, 'GET', '/api/me', undefined, token)).status).toBe(200)
  for (const [username, candidates] of acknowledged.passwords) {
    const statuses = []
    for (const password of candidates) statuses.push((await call(base, 'POST', '/api/auth/login', { username, password })).status)
    expect(statuses, `${username} signs in with the last acknowledged password or a later one`).toContain(200)
  }
}

/** The Debian `sqlite3` shell opens the live file, reads, and exits, while the writers run. */
async function sqliteShellLook(): Promise<void> {
  const count = await new Promise<string>((resolve, reject) =>
    execFile('sqlite3', ['-cmd', '.timeout 5000', path.join(dataDir, DATABASE_FILE), 'SELECT count(*) FROM notes;'], (error, stdout) =>
      error ? reject(error) : resolve(stdout),
    ),
  )
  expect(count.trim()).toMatch(/^\d+$/)
}

const ROUNDS: readonly { kind: EngineKind; workers: number }[] = [...ENGINES.map((kind) => ({ kind, workers: 1 })), { kind: 'sqlite', workers: 2 }]

describe.each(ROUNDS)('SIGKILL in the middle of writes ($kind, WORKERS=$workers)', ({ kind, workers }) => {
  it('loses nothing the server acknowledged, across two kills and restarts', async () => {
    acknowledged.notes.clear()
    acknowledged.tokens.length = 0
    acknowledged.passwords.clear()
    dataDir = mkdtempSync(path.join(tmpdir(), 'tokenauth-crash-'))
    folders.push(dataDir)
    const database = kind === 'postgres' ? await createTestPostgresDatabase() : undefined
    serverEnv = { WORKERS: String(workers), ...(database ? { DATABASE_URL: database.url } : {}) }
    try {
      await killAndRestartTwice()
    } finally {
      serverEnv = {}
      await database?.drop()
    }
  }, 240_000)
})

async function killAndRestartTwice(): Promise<void> {
  {
    // The users exist before the first start, as `pnpm users add` would leave them.
    const db = await openEngine({ dataDir, databaseUrl: serverEnv.DATABASE_URL })
    const users = new UserStore(db)
    const hash = await hashPassword(PASSWORD)
    const adminHash = await hashPassword(ADMIN_PASSWORD)
    await asOperator(db, (tx) => users.create({ username: 'root', passwordHash: adminHash, roles: ['admin'], createdAt: Date.now() }, tx))
    for (let worker = 0; worker < WRITERS; worker++) {
      for (const name of [`writer${worker}`, `reset${worker}`]) await asOperator(db, (tx) => users.create({ username: name, passwordHash: hash, roles: [], createdAt: Date.now() }, tx))
    }
    await db.close()

    for (let round = 0; round < 2; round++) {
      const server = await startServer()
      const admin = await call(server.base, 'POST', '/api/auth/login', { username: 'root', password: ADMIN_PASSWORD })
      await loadThenKill(server, String(admin.body?.token))
    }
    expect(acknowledged.notes.size).toBeGreaterThan(20)

    const server = await startServer()
    try {
      await expectEverythingAcknowledged(server.base)
    } finally {
      await kill(server)
    }
  }
}
