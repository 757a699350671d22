import { execFileSync } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { hashPassword } from '../auth/passwords.js'
import { openSqlite } from '../store/engine.js'
import { UserStore } from '../store/user-store.js'
import { send, startServerProcess, type ServerProcess } from '../test-support/server-process.js'

/** `WORKERS=2` on SQLite without Redis: the real server in its own process tree. */
const dataDir = mkdtempSync(path.join(tmpdir(), 'tokenauth-workers-'))
const PASSWORD = 'workers test passphrase'
const RATE_LIMIT_MAX = 40
let server: ServerProcess

/** The primary's live workers (its other children, such as tsx's esbuild, left out). */
function workerPids(): number[] {
  try {
    return execFileSync('pgrep', ['-P', String(server.child.pid), '-f', 'server.ts'], { encoding: 'utf8' }).split('\n').filter(Boolean).map(Number)
  } catch {
    return []
  }
}

async function waitFor(condition: () => boolean, ms: number): Promise<void> {
  const deadline = Date.now() + ms
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${ms} ms`)
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
}

beforeAll(async () => {
  const db = openSqlite(dataDir)
  const users = new UserStore(db)
  for (const name of ['alice', 'bob']) await users.create({ username: name, passwordHash: await hashPassword(PASSWORD), roles: [], createdAt: Date.now() })
  await db.close()
  server = await startServerProcess({ DATA_DIR: dataDir, WORKERS: '2', RATE_LIMIT_MAX: String(RATE_LIMIT_MAX), TRUST_PROXY: '127.0.0.1' })
  await waitFor(() => server.stdout().includes('2 workers listening'), 10_000)
}, 30_000)
afterAll(async () => {
  await server?.stop('SIGKILL')
  rmSync(dataDir, { recursive: true, force: true })
})

describe('WORKERS=2 (node:cluster) on SQLite without Redis', () => {
  it('the sign-in throttle holds across workers: the 6th failure in a row is refused, as with one process', async () => {
    const statuses: number[] = []
    for (let i = 0; i < 7; i++) {
      statuses.push((await send(server.base, 'POST', '/api/auth/login', { body: { username: 'bob', password: `wrong ${i}` } })).status)
    }
    expect(statuses).toEqual([401, 401, 401, 401, 401, 429, 429])
  })

  it('the per-IP limit is one count across workers: exactly RATE_LIMIT_MAX answers, then 429', async () => {
    const login = await send(server.base, 'POST', '/api/auth/login', { body: { username: 'alice', password: PASSWORD } })
    expect(login.status).toBe(200)
    const token = (login.body as { token: string }).token
    const statuses: number[] = []
    // The 8 sign-ins above used 8 of this address's quota; ask for more than is left.
    for (let i = 0; i < RATE_LIMIT_MAX; i++) statuses.push((await send(server.base, 'GET', '/api/me', { token })).status)
    // One counter, whichever worker answered: exactly what was left, then only 429s.
    const ok = RATE_LIMIT_MAX - 8
    expect(statuses).toEqual([...Array<number>(ok).fill(200), ...Array<number>(8).fill(429)])
  })

  it('a worker killed with SIGKILL: the other keeps answering and the primary starts a new one', async () => {
    const [victim = 0, survivor = 0] = workerPids()
    expect(victim * survivor).toBeGreaterThan(0)
    process.kill(victim, 'SIGKILL')
    // A connection handed to the worker in the instant before the primary sees it die is
    // lost (node:cluster's round robin); from the primary noticing on, none is.
    await waitFor(() => /worker \d+ exited \(SIGKILL\); starting another/.test(server.stdout()), 5000)
    for (let i = 0; i < 10; i++) expect((await send(server.base, 'GET', '/api/health')).status).toBe(200)
    await waitFor(() => {
      const now = workerPids()
      return now.length === 2 && !now.includes(victim)
    }, 10_000)
    const [replacement] = workerPids().filter((pid) => pid !== survivor)
    expect(workerPids()).toContain(survivor)
    await waitFor(() => server.stdout().includes(`worker ${replacement} listening`), 15_000)
  }, 20_000)

  it('SIGTERM drains: every request sent before it gets an HTTP answer (none cut off), then all exit with code 0', async () => {
    const pids = workerPids()
    // Sign-ins for names that do not exist (a throttle per account would refuse a burst for
    // one name) from addresses of their own (the test above used up 127.0.0.1's quota).
    // Each spends tens of milliseconds in argon2, so some are in flight when SIGTERM lands.
    const inFlight = Array.from({ length: 8 }, (_, i) =>
      send(server.base, 'POST', '/api/auth/login', {
        body: { username: `nobody-${i}`, password: PASSWORD },
        headers: { 'x-forwarded-for': `10.8.0.${i}` },
      }),
    )
    await new Promise((resolve) => setTimeout(resolve, 100))
    const exitCode = server.stop('SIGTERM')
    const answers = await Promise.all(inFlight)
    // 401: checked to the end. 503: reached a worker after it began closing (Fastify's
    // return503OnClosing), which a load balancer retries elsewhere. Never a reset socket.
    for (const answer of answers) expect([401, 503]).toContain(answer.status)
    expect(answers.filter((answer) => answer.status === 401).length).toBeGreaterThan(0)
    expect(await exitCode).toBe(0)
    for (const pid of pids) expect(() => process.kill(pid, 0)).toThrow()
  }, 15_000)
})
