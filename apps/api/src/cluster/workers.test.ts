import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { hashPassword } from '../auth/passwords.js'
import { openSqlite } from '../store/engine.js'
import { UserStore } from '../store/user-store.js'
import { send, startServerProcess, type ServerProcess } from '../test-support/server-process.js'
import { asOperator } from '../test-support/as-operator.js'

/** `WORKERS=2` on SQLite without Redis: the real server, two worker threads in one process. */
const dataDir = mkdtempSync(path.join(tmpdir(), 'tokenauth-workers-'))
/** Where the test's probe (test-support/thread-probe.ts) notes which thread answered, and finds crash orders. */
const probeDir = mkdtempSync(path.join(tmpdir(), 'tokenauth-workers-probe-'))
const PASSWORD = 'workers test passphrase'
const RATE_LIMIT_MAX = 40
let server: ServerProcess

/** The thread that took each request so far, in order (requests here are sent one at a time). */
function answeredBy(): number[] {
  try {
    return readFileSync(path.join(probeDir, 'answered'), 'utf8').split('\n').filter(Boolean).map(Number)
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
  const passwordHash = await hashPassword(PASSWORD)
  for (const name of ['alice', 'bob']) await asOperator(db, (tx) => users.create({ username: name, passwordHash, roles: [], createdAt: Date.now() }, tx))
  await db.close()
  server = await startServerProcess(
    { DATA_DIR: dataDir, WORKERS: '2', RATE_LIMIT_MAX: String(RATE_LIMIT_MAX), TRUST_PROXY: '127.0.0.1', TOKENAUTH_TEST_PROBE_DIR: probeDir },
    ['--import', path.join(import.meta.dirname, '../test-support/thread-probe.ts')],
  )
  await waitFor(() => server.stdout().includes('2 workers listening'), 10_000)
}, 30_000)
afterAll(async () => {
  await server?.stop('SIGKILL')
  rmSync(dataDir, { recursive: true, force: true })
  rmSync(probeDir, { recursive: true, force: true })
})

describe('WORKERS=2 (worker threads, one port) on SQLite without Redis', () => {
  it('both threads answer: the kernel spreads connections over them', async () => {
    const before = answeredBy().length
    for (let i = 0; i < 20; i++) expect((await send(server.base, 'GET', '/api/health/ready')).status).toBe(200)
    const threads = new Set(answeredBy().slice(before))
    expect(threads.size).toBe(2)
  })

  it('the sign-in throttle holds across threads: the 6th failure in a row is refused, as with one thread', async () => {
    const statuses: number[] = []
    for (let i = 0; i < 7; i++) {
      statuses.push((await send(server.base, 'POST', '/api/auth/login', { body: { username: 'bob', password: `wrong ${i}` } })).status)
    }
    expect(statuses).toEqual([401, 401, 401, 401, 401, 429, 429])
  })

  it('the per-IP limit is one count across threads: exactly RATE_LIMIT_MAX answers, then 429', async () => {
    const login = await send(server.base, 'POST', '/api/auth/login', { body: { username: 'alice', password: PASSWORD } })
    expect(login.status).toBe(200)
    const token = (login.body as { token: string }).token
    const before = answeredBy().length
    const statuses: number[] = []
    // The 8 sign-ins above used 8 of this address's quota; ask for more than is left.
    for (let i = 0; i < RATE_LIMIT_MAX; i++) statuses.push((await send(server.base, 'GET', '/api/me', { token })).status)
    // One counter, whichever thread answered: exactly what was left, then only 429s.
    const ok = RATE_LIMIT_MAX - 8
    expect(statuses).toEqual([...Array<number>(ok).fill(200), ...Array<number>(8).fill(429)])
    expect(new Set(answeredBy().slice(before)).size).toBe(2)
  })

  it('a logout answered by one thread is refused by the other at the very next request', async () => {
    let crossed = 0
    for (let trial = 0; trial < 4; trial++) {
      const headers = { 'x-forwarded-for': `10.9.0.${trial}` }
      const login = await send(server.base, 'POST', '/api/auth/login', { body: { username: 'alice', password: PASSWORD }, headers })
      expect(login.status).toBe(200)
      const token = (login.body as { token: string }).token
      const at = answeredBy().length
      expect((await send(server.base, 'POST', '/api/auth/logout', { token, headers })).status).toBe(204)
      for (let i = 0; i < 4; i++) {
        const after = await send(server.base, 'GET', '/api/me', { token, headers })
        expect(after.status).toBe(401)
        expect((after.body as { error: { code: string } }).error.code).toBe('revoked_token')
      }
      const [logoutThread, ...checkThreads] = answeredBy().slice(at)
      crossed += checkThreads.filter((thread) => thread !== logoutThread).length
    }
    // The kernel chose the threads; across 16 checks some were the other thread's.
    expect(crossed).toBeGreaterThan(0)
  }, 20_000)

  it('a thread that crashes (an uncaught error) is logged, replaced, and the other keeps answering meanwhile', async () => {
    const [victim = 0] = answeredBy()
    const survivor = answeredBy().find((thread) => thread !== victim) ?? 0
    expect(victim * survivor).toBeGreaterThan(0)
    writeFileSync(path.join(probeDir, `crash-${victim}`), '')
    await waitFor(() => server.stdout().includes(`worker ${victim} exited (code 1); starting another`), 5000)
    // Logged by the thread itself, its lines naming it (every thread shares the pid).
    expect(server.stdout()).toMatch(new RegExp(`"thread":${victim}[,}].*uncaught error: shutting down`))
    expect(server.stdout()).toContain(`test crash of worker ${victim}`)
    for (let i = 0; i < 10; i++) expect((await send(server.base, 'GET', '/api/health')).status).toBe(200)
    const replaced = /worker (\d+) listening/
    await waitFor(() => replaced.test(server.stdout()), 15_000)
    const replacement = Number(replaced.exec(server.stdout())?.[1])
    expect([victim, survivor]).not.toContain(replacement)
    const before = answeredBy().length
    for (let i = 0; i < 20; i++) expect((await send(server.base, 'GET', '/api/health')).status).toBe(200)
    expect(new Set(answeredBy().slice(before))).toEqual(new Set([survivor, replacement]))
  }, 30_000)

  it('SIGTERM drains: every request sent before it gets an HTTP answer (none cut off), then it exits with code 0', async () => {
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
    // 401: checked to the end. 503: reached a thread after it began closing (Fastify's
    // return503OnClosing), which a load balancer retries elsewhere. Never a reset socket.
    for (const answer of answers) expect([401, 503]).toContain(answer.status)
    expect(answers.filter((answer) => answer.status === 401).length).toBeGreaterThan(0)
    expect(await exitCode).toBe(0)
    expect(server.stdout()).toContain('SIGTERM: draining workers')
  }, 15_000)
})
