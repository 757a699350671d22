import { randomBytes } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { Redis } from 'ioredis'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { formatKeyRing, generateSigningKey } from '@tokenauth/signer'
import { createAccessTokenSigner } from '../auth/access-tokens.js'
import { openEngine } from '../store/engine.js'
import { SessionStore } from '../store/session-store.js'
import { UserStore } from '../store/user-store.js'
import { LEASE_MS } from '../store/session-invalidation.js'
import { createTestPostgresDatabase, type TestPostgresDatabase } from '../test-support/postgres-database.js'
import { startTestRedis, type TestRedis } from '../test-support/redis-server.js'
import { send, startServerProcess, type ServerProcess } from '../test-support/server-process.js'
import { asOperator } from '../test-support/as-operator.js'

/**
 * Three API processes on one PostgreSQL database and one Redis, each answering the session
 * check from its own cache (the hit path makes no network call). Every token is used on
 * the instance that checks it before the logout, so that instance holds it in its cache:
 * what is tested is that the logout's 204 only comes once that copy is gone.
 */
const keys = [generateSigningKey('shared-1')]
const TRIALS = 1000
const FAULT_TRIALS = 300
/** What a logout may take while an instance is cut off or stopped: one lease, and a loaded machine's slack. */
const FAULT_BOUND_MS = LEASE_MS + 700

let database: TestPostgresDatabase
let redis: TestRedis
let admin: Redis
let instances: ServerProcess[] = []
let aliceId = 0
const dataDir = mkdtempSync(path.join(tmpdir(), 'tokenauth-cache-instances-'))

beforeAll(async () => {
  redis = await startTestRedis()
  admin = new Redis(redis.url)
  admin.on('error', () => undefined)
  database = await createTestPostgresDatabase()
  const db = await openEngine({ dataDir, databaseUrl: database.url })
  const users = new UserStore(db)
  aliceId = (await asOperator(db, (tx) => users.create({ username: 'alice', passwordHash: 'unused', roles: [], createdAt: Date.now() }, tx))).id
  await db.close()
  const env = {
    DATA_DIR: dataDir,
    DATABASE_URL: database.url,
    REDIS_URL: redis.url,
    TOKEN_KEYS: formatKeyRing(keys),
    DATA_KEYS: formatKeyRing([generateSigningKey()]),
    SESSION_SECRET: randomBytes(32).toString('base64url'),
    RATE_LIMIT_MAX: '1000000',
  }
  instances = await Promise.all([startServerProcess(env), startServerProcess(env), startServerProcess(env)])
}, 90_000)
afterAll(async () => {
  for (const instance of instances) instance.child.kill('SIGCONT')
  await Promise.all(instances.map((instance) => instance.stop('SIGKILL')))
  admin?.disconnect()
  await redis?.stop()
  await database?.drop()
  rmSync(dataDir, { recursive: true, force: true })
})

/** Sessions written straight into the database, with tokens signed by the instances' key ring (no argon2 per trial). */
async function newTokens(count: number): Promise<string[]> {
  const db = await openEngine({ dataDir, databaseUrl: database.url })
  const sessions = new SessionStore(db)
  const signer = createAccessTokenSigner(keys, 900, Date.now)
  const now = Date.now()
  try {
    const tokens: string[] = []
    for (let i = 0; i < count; i += 20) {
      const batch = Array.from({ length: Math.min(20, count - i) }, () => randomBytes(18).toString('base64url'))
      await Promise.all(
        batch.map((handle) =>
          sessions.create({ cookieId: randomBytes(24).toString('base64url'), handle, userId: aliceId, createdAt: now, lastSeenAt: now, absoluteExpiresAt: now + 3_600_000, cookie: '{}', userAgent: null, ip: null }),
        ),
      )
      for (const handle of batch) tokens.push((await signer.sign({ sub: String(aliceId), sid: handle })).token)
    }
    return tokens
  } finally {
    await db.close()
  }
}

const me = (server: ServerProcess, token: string) => send(server.base, 'GET', '/api/me', { token })

interface Run {
  accepted: number
  refused: number
  latencies: number[]
}

/**
 * For each token: used on the checker (cached there), ended by a logout on the revoker
 * (timed), then at once sent to the checker again.
 */
async function trial(run: Run, token: string, revoker: ServerProcess, checker: ServerProcess): Promise<void> {
  expect((await me(checker, token)).status).toBe(200)
  const started = performance.now()
  expect((await send(revoker.base, 'POST', '/api/auth/logout', { token })).status).toBe(204)
  run.latencies.push(performance.now() - started)
  const after = await me(checker, token)
  if (after.status === 200) run.accepted++
  if (after.status === 401 && (after.body as { error: { code: string } }).error.code === 'revoked_token') run.refused++
}

const pick = <T,>(items: readonly T[]): T => {
  const item = items[Math.floor(Math.random() * items.length)]
  if (item === undefined) throw new Error('nothing to pick')
  return item
}

function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((x, y) => x - y)
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0
}

function report(name: string, run: Run): void {
  console.log(
    `${name}: ${run.accepted} accepted, ${run.refused} refused; logout p50 ${percentile(run.latencies, 50).toFixed(1)} ms, p99 ${percentile(run.latencies, 99).toFixed(1)} ms, max ${Math.max(...run.latencies).toFixed(1)} ms`,
  )
}

describe('three instances answering the session check from their caches (PostgreSQL + Redis)', () => {
  it(`${TRIALS} logouts on one instance, each token then sent to another that had it cached: 0 accepted`, async () => {
    const [a, b, c] = instances
    if (!a || !b || !c) throw new Error('three instances')
    const run: Run = { accepted: 0, refused: 0, latencies: [] }
    for (const token of await newTokens(TRIALS)) await trial(run, token, a, pick([b, c]))
    report('fixed revoker', run)
    expect(run.accepted).toBe(0)
    expect(run.refused).toBe(TRIALS)
  }, 60_000)

  it(`${TRIALS} logouts, the revoking instance chosen at random: 0 accepted`, async () => {
    const run: Run = { accepted: 0, refused: 0, latencies: [] }
    for (const token of await newTokens(TRIALS)) {
      const revoker = pick(instances)
      await trial(run, token, revoker, pick(instances.filter((instance) => instance !== revoker)))
    }
    report('random revoker', run)
    expect(run.accepted).toBe(0)
    expect(run.refused).toBe(TRIALS)
  }, 60_000)

  it('one instance\'s subscription killed (CLIENT KILL) mid-run: 0 accepted, every logout within a lease', async () => {
    const run: Run = { accepted: 0, refused: 0, latencies: [] }
    const tokens = await newTokens(FAULT_TRIALS)
    for (const [i, token] of tokens.entries()) {
      if (i === FAULT_TRIALS / 3) {
        const listening = String(await admin.client('LIST'))
          .split('\n')
          .filter((line) => line.includes('name=tokenauth-invalidations-'))
        expect(listening).toHaveLength(3)
        const id = /id=(\d+)/.exec(pick(listening))?.[1]
        expect(await admin.client('KILL', 'ID', String(id))).toBe(1)
      }
      const revoker = pick(instances)
      await trial(run, token, revoker, pick(instances.filter((instance) => instance !== revoker)))
    }
    report('subscription killed', run)
    expect(run.accepted).toBe(0)
    expect(run.refused).toBe(FAULT_TRIALS)
    expect(Math.max(...run.latencies)).toBeLessThan(FAULT_BOUND_MS)
  }, 60_000)

  it('one instance SIGSTOPped for longer than a lease: 0 accepted on the others, every logout within a lease, and the stopped one refuses what was ended meanwhile', async () => {
    const [a, b, c] = instances
    if (!a || !b || !c) throw new Error('three instances')
    // Cached on the instance about to stop, then ended while it is stopped.
    const onStopped = await newTokens(20)
    for (const token of onStopped) expect((await me(c, token)).status).toBe(200)
    const run: Run = { accepted: 0, refused: 0, latencies: [] }
    const tokens = await newTokens(FAULT_TRIALS)
    c.child.kill('SIGSTOP')
    const stoppedAt = performance.now()
    try {
      for (const token of onStopped) {
        const started = performance.now()
        expect((await send(pick([a, b]).base, 'POST', '/api/auth/logout', { token })).status).toBe(204)
        run.latencies.push(performance.now() - started)
      }
      for (const token of tokens) {
        const [revoker, checker] = Math.random() < 0.5 ? [a, b] : [b, a]
        await trial(run, token, revoker, checker)
      }
      // Stopped longer than a lease, whatever the trials took.
      const left = LEASE_MS + 500 - (performance.now() - stoppedAt)
      if (left > 0) await new Promise((resolve) => setTimeout(resolve, left))
    } finally {
      c.child.kill('SIGCONT')
    }
    let acceptedOnStopped = 0
    for (const token of onStopped) if ((await me(c, token)).status === 200) acceptedOnStopped++
    report('one instance stopped', run)
    expect(acceptedOnStopped).toBe(0)
    expect(run.accepted).toBe(0)
    expect(run.refused).toBe(FAULT_TRIALS)
    expect(Math.max(...run.latencies)).toBeLessThan(FAULT_BOUND_MS)
    // Back, it answers again (from a cache emptied on the way).
    const [fresh] = await newTokens(1)
    expect((await me(c, fresh ?? '')).status).toBe(200)
  }, 60_000)
})
