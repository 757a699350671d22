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
import { hashPassword } from '../auth/passwords.js'

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
const PASSWORD = 'cache instances passphrase'
/** The accounts of the narrowing-writes test, by name. */
const ids = new Map<string, number>()
const idOf = (name: string): number => {
  const id = ids.get(name)
  if (id === undefined) throw new Error(`no user ${name}`)
  return id
}
const dataDir = mkdtempSync(path.join(tmpdir(), 'tokenauth-cache-instances-'))

beforeAll(async () => {
  redis = await startTestRedis()
  admin = new Redis(redis.url)
  admin.on('error', () => undefined)
  database = await createTestPostgresDatabase()
  const db = await openEngine({ dataDir, databaseUrl: database.url })
  const users = new UserStore(db)
  aliceId = (await asOperator(db, (tx) => users.create({ username: 'alice', passwordHash: 'unused', roles: [], createdAt: Date.now() }, tx))).id
  const passwordHash = await hashPassword(PASSWORD)
  for (const [username, roles] of [['root', ['admin']], ['bob', []], ['carol', []], ['dave', ['editor']], ['erin', []], ['frank', []], ['gina', []], ['hank', []]] as const) {
    ids.set(username, (await asOperator(db, (tx) => users.create({ username, passwordHash, roles: [...roles], createdAt: Date.now() }, tx))).id)
  }
  await db.close()
  const env = {
    DATA_DIR: dataDir,
    DATABASE_URL: database.url,
    REDIS_URL: redis.url,
    TOKEN_KEYS: formatKeyRing(keys),
    DATA_KEYS: formatKeyRing([generateSigningKey()]),
    SESSION_SECRET: randomBytes(32).toString('base64url'),
    RATE_LIMIT_MAX: '1000000',
    MAX_SESSIONS_PER_USER: '3',
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
async function newTokens(count: number, userId = aliceId): Promise<string[]> {
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
          sessions.create({ cookieId: randomBytes(24).toString('base64url'), handle, userId, createdAt: now, lastSeenAt: now, absoluteExpiresAt: now + 3_600_000, cookie: '{}', userAgent: null, ip: null, authTime: now, amr: ['pwd'] }),
        ),
      )
      for (const handle of batch) tokens.push((await signer.sign({ sub: String(userId), sid: handle, auth_time: Math.floor(now / 1000), amr: ['pwd'] })).token)
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

/** Trials run in this many lanes at once, each trial in order within its lane (the servers wait on I/O, not the test). */
const LANES = 4

async function inLanes(tokens: readonly string[], each: (token: string) => Promise<void>): Promise<void> {
  let next = 0
  await Promise.all(
    Array.from({ length: LANES }, async () => {
      while (next < tokens.length) {
        const token = tokens[next++]
        if (token !== undefined) await each(token)
      }
    }),
  )
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
    await inLanes(await newTokens(TRIALS), (token) => trial(run, token, a, pick([b, c])))
    report('fixed revoker', run)
    expect(run.accepted).toBe(0)
    expect(run.refused).toBe(TRIALS)
  }, 90_000)

  it(`${TRIALS} logouts, the revoking instance chosen at random: 0 accepted`, async () => {
    const run: Run = { accepted: 0, refused: 0, latencies: [] }
    await inLanes(await newTokens(TRIALS), async (token) => {
      const revoker = pick(instances)
      await trial(run, token, revoker, pick(instances.filter((instance) => instance !== revoker)))
    })
    report('random revoker', run)
    expect(run.accepted).toBe(0)
    expect(run.refused).toBe(TRIALS)
  }, 90_000)

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
  }, 90_000)

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
  }, 90_000)
})

describe('every write that ends or narrows a session, with the sessions cached on the other two instances', () => {
  const refusedEverywhereElse = async (token: string, except: ServerProcess): Promise<boolean> => {
    for (const instance of instances.filter((i) => i !== except)) {
      const answer = await me(instance, token)
      if (answer.status !== 401 || (answer.body as { error: { code: string } }).error.code !== 'revoked_token') return false
    }
    return true
  }
  /** Tokens of `user`, each used on every instance first (so each caches it). */
  const cached = async (user: string, count: number): Promise<string[]> => {
    const tokens = await newTokens(count, idOf(user))
    for (const token of tokens) for (const instance of instances) expect((await me(instance, token)).status).toBe(200)
    return tokens
  }

  it('device ended, others signed out, own password changed, role changed, disabled, sessions ended and password reset by an admin, user deleted, the session limit: refused or narrowed on the others at once', async () => {
    const [a, b, c] = instances
    if (!a || !b || !c) throw new Error('three instances')
    const [admin] = await cached('root', 1)
    if (!admin) throw new Error('no admin token')

    // A device ended from another of the user's sessions.
    const [bobActing, bobDevice, ...bobOthers] = await cached('bob', 6)
    if (!bobActing || !bobDevice) throw new Error('no tokens')
    const listed = (await send(a.base, 'GET', '/api/sessions', { token: bobActing })).body as { sessions: { id: string; current: boolean }[] }
    const devices = listed.sessions.filter((s) => !s.current)
    expect((await send(a.base, 'DELETE', `/api/sessions/${devices[0]?.id}`, { token: bobActing })).status).toBe(204)
    const stillAccepted = async (tokens: readonly string[]) => {
      let n = 0
      for (const token of tokens) if ((await me(b, token)).status === 200) n++
      return n
    }
    // One of bob's five others is refused on B at once; the other four still work.
    expect(await stillAccepted([bobDevice, ...bobOthers])).toBe(4)
    // "Sign out other devices" on A: every other one refused on B and C; the acting one kept.
    expect((await send(a.base, 'DELETE', '/api/sessions', { token: bobActing })).status).toBe(200)
    for (const token of [bobDevice, ...bobOthers]) expect(await refusedEverywhereElse(token, a)).toBe(true)
    expect((await me(b, bobActing)).status).toBe(200)
    // Bob changes his password on C: his other sessions refused on A and B.
    const bobMore = await cached('bob', 3)
    const changed = await send(c.base, 'POST', '/api/me/password', { token: bobActing, body: { currentPassword: PASSWORD, newPassword: 'a brand new passphrase 2' } })
    expect(changed.status).toBe(200)
    for (const token of bobMore) expect(await refusedEverywhereElse(token, c)).toBe(true)

    // Dave loses the role "editor" on A: B and C answer his new roles at once.
    const [dave] = await cached('dave', 1)
    expect((await send(a.base, 'PUT', `/api/users/${idOf('dave')}/roles`, { token: admin, body: { roles: [] } })).status).toBe(200)
    for (const instance of [b, c]) expect((await me(instance, dave ?? '')).body).toMatchObject({ roles: [] })

    // Carol disabled on B: refused on A and C.
    const carol = await cached('carol', 3)
    expect((await send(b.base, 'POST', `/api/users/${idOf('carol')}/disable`, { token: admin })).status).toBe(200)
    for (const token of carol) expect(await refusedEverywhereElse(token, b)).toBe(true)

    // Erin's sessions ended by an admin on C; Frank's password reset on A; Gina deleted on B.
    const erin = await cached('erin', 3)
    expect((await send(c.base, 'DELETE', `/api/users/${idOf('erin')}/sessions`, { token: admin })).status).toBe(200)
    for (const token of erin) expect(await refusedEverywhereElse(token, c)).toBe(true)
    const frank = await cached('frank', 3)
    expect((await send(a.base, 'POST', `/api/users/${idOf('frank')}/password`, { token: admin, body: { newPassword: 'another fresh passphrase 3' } })).status).toBe(200)
    for (const token of frank) expect(await refusedEverywhereElse(token, a)).toBe(true)
    const gina = await cached('gina', 3)
    expect((await send(b.base, 'DELETE', `/api/users/${idOf('gina')}`, { token: admin })).status).toBe(204)
    for (const token of gina) expect(await refusedEverywhereElse(token, b)).toBe(true)

    // Hank holds the limit of 3; a sign-in on A ends his least recently used one, and B and C refuse it at once.
    const hank = await cached('hank', 3)
    expect((await send(a.base, 'POST', '/api/auth/login', { body: { username: 'hank', password: PASSWORD } })).status).toBe(200)
    let ended = 0
    for (const token of hank) if (await refusedEverywhereElse(token, a)) ended++
    expect(ended).toBe(1)
  }, 90_000)
})
