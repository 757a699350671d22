import { randomBytes } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { formatKeyRing, generateSigningKey } from '@tokenauth/signer'
import { createAccessTokenSigner } from '../auth/access-tokens.js'
import { hashPassword } from '../auth/passwords.js'
import { openEngine } from '../store/engine.js'
import { ENGINES } from '../test-support/test-engine.js'
import { createTestPostgresDatabase, type TestPostgresDatabase } from '../test-support/postgres-database.js'
import { SessionStore } from '../store/session-store.js'
import { UserStore } from '../store/user-store.js'
import { startTestRedis, type TestRedis } from '../test-support/redis-server.js'
import { send, startServerProcess, type ServerProcess } from '../test-support/server-process.js'
import { asOperator } from '../test-support/as-operator.js'

/**
 * Two API processes on different ports sharing one database and one Redis, as two
 * instances behind a load balancer would. Each trial comes from its own client address
 * (`X-Forwarded-For`, trusted from loopback) so that the small request limit set here
 * only bites in the test about it.
 */
const PASSWORD = 'several instances passphrase'
const RATE_LIMIT_MAX = 20
const TRIALS = 1000
const keys = [generateSigningKey('shared-1')]
// Once on each engine: the SQLite file both processes open, then one PostgreSQL database.
describe.each(ENGINES)('on %s', (engine) => {
  let database: TestPostgresDatabase | undefined
  const dataDir = mkdtempSync(path.join(tmpdir(), 'tokenauth-instances-'))
  let redis: TestRedis
  let a: ServerProcess
  let b: ServerProcess
  let aliceId = 0
  let carolId = 0
  let daveId = 0
  let adminId = 0

  const from = (ip: string) => ({ 'x-forwarded-for': ip })

  beforeAll(async () => {
    redis = await startTestRedis()
    database = engine === 'postgres' ? await createTestPostgresDatabase() : undefined
    const db = await openEngine({ dataDir, databaseUrl: database?.url })
    const users = new UserStore(db)
    const passwordHash = await hashPassword(PASSWORD)
    aliceId = (await asOperator(db, (tx) => users.create({ username: 'alice', passwordHash: passwordHash, roles: [], createdAt: Date.now() }, tx))).id
    await asOperator(db, (tx) => users.create({ username: 'bob', passwordHash: passwordHash, roles: [], createdAt: Date.now() }, tx))
    carolId = (await asOperator(db, (tx) => users.create({ username: 'carol', passwordHash: passwordHash, roles: [], createdAt: Date.now() }, tx))).id
    daveId = (await asOperator(db, (tx) => users.create({ username: 'dave', passwordHash: passwordHash, roles: [], createdAt: Date.now() }, tx))).id
    adminId = (await asOperator(db, (tx) => users.create({ username: 'root', passwordHash: passwordHash, roles: ['admin'], createdAt: Date.now() }, tx))).id
    await db.close()
    // What the instances must share: the database, Redis, the key ring and the cookie secret.
    const env = {
      DATA_DIR: dataDir,
      ...(database ? { DATABASE_URL: database.url } : {}),
      REDIS_URL: redis.url,
      TOKEN_KEYS: formatKeyRing(keys),
      DATA_KEYS: formatKeyRing([generateSigningKey()]),
      SESSION_SECRET: randomBytes(32).toString('base64url'),
      TRUST_PROXY: '127.0.0.1',
      RATE_LIMIT_MAX: String(RATE_LIMIT_MAX),
    }
    ;[a, b] = await Promise.all([startServerProcess(env), startServerProcess(env)])
  }, 60_000)
  afterAll(async () => {
    await Promise.all([a?.stop('SIGKILL'), b?.stop('SIGKILL')])
    await redis?.stop()
    await database?.drop()
    rmSync(dataDir, { recursive: true, force: true })
  })

  /**
   * Sessions written straight into the shared database, with tokens signed by the
   * instances' key ring: a login per trial would spend the whole test in argon2.
   */
  async function newSessions(userId: number, count: number): Promise<{ handle: string; token: string }[]> {
    const db = await openEngine({ dataDir, databaseUrl: database?.url })
    const sessions = new SessionStore(db)
    const signer = createAccessTokenSigner(keys, 900, Date.now)
    const created: { handle: string; token: string }[] = []
    const now = Date.now()
    try {
      for (let i = 0; i < count; i++) {
        const handle = randomBytes(18).toString('base64url')
        await sessions.create({
          cookieId: randomBytes(24).toString('base64url'),
          handle,
          userId,
          createdAt: now,
          lastSeenAt: now,
          absoluteExpiresAt: now + 3_600_000,
          cookie: '{}',
          userAgent: null,
          ip: null,
          // Signed in with the password just now: a proof fresh enough for the step-up routes.
          authTime: now,
          amr: ['pwd'],
        })
        created.push({ handle, token: (await signer.sign({ sub: String(userId), sid: handle, auth_time: Math.floor(now / 1000), amr: ['pwd'] })).token })
      }
    } finally {
      await db.close()
    }
    return created
  }

  /** Sends one request with its own client address (and own connection). */
  function request(server: ServerProcess, method: string, url: string, ip: string, options: { body?: object; token?: string } = {}) {
    return send(server.base, method, url, { ...options, headers: from(ip) })
  }

  describe('two instances sharing the database and Redis', () => {
    it('a token signed by one is accepted by the other', async () => {
      const login = await request(a, 'POST', '/api/auth/login', '10.1.0.1', { body: { username: 'alice', password: PASSWORD } })
      expect(login.status).toBe(200)
      const me = await request(b, 'GET', '/api/me', '10.1.0.1', { token: (login.body as { token: string }).token })
      expect(me.status).toBe(200)
      expect(me.body).toMatchObject({ username: 'alice' })
    })

    it(`a logout answered by one is refused by the other at the very next request: 0 accepted of ${TRIALS}`, async () => {
      const tokens = (await newSessions(aliceId, TRIALS)).map((session) => session.token)

      let accepted = 0
      let refused = 0
      for (let i = 0; i < TRIALS; i++) {
        const ip = `10.2.${i >> 8}.${i & 255}`
        const [revoker, checker] = i % 2 === 0 ? [a, b] : [b, a]
        // The token works on the checker first (so a refusal afterwards is the revocation's doing).
        if (i % 100 === 0) expect((await request(checker, 'GET', '/api/me', ip, { token: tokens[i] })).status).toBe(200)
        expect((await request(revoker, 'POST', '/api/auth/logout', ip, { token: tokens[i] })).status).toBe(204)
        const after = await request(checker, 'GET', '/api/me', ip, { token: tokens[i] })
        if (after.status === 200) accepted++
        if (after.status === 401 && (after.body as { error: { code: string } }).error.code === 'revoked_token') refused++
      }
      expect(accepted).toBe(0)
      expect(refused).toBe(TRIALS)
    }, 120_000)

    it('ending a device, signing out the others, disabling a user and changing a password on one: refused on the other at once', async () => {
      const refusedOn = async (server: ServerProcess, token: string, ip: string) => {
        const answer = await request(server, 'GET', '/api/me', ip, { token })
        return answer.status === 401 && (answer.body as { error: { code: string } }).error.code === 'revoked_token'
      }
      // A device ended by its user from another session, 50 times, alternating instances.
      const devices = await newSessions(aliceId, 51)
      const [acting] = devices
      if (!acting) throw new Error('no session')
      for (let i = 1; i < devices.length; i++) {
        const [ender, checker] = i % 2 === 0 ? [a, b] : [b, a]
        const device = devices[i]
        if (!device) throw new Error('no session')
        expect((await request(ender, 'DELETE', `/api/sessions/${device.handle}`, `10.6.0.${i}`, { token: acting.token })).status).toBe(204)
        expect(await refusedOn(checker, device.token, `10.6.1.${i}`)).toBe(true)
      }
      // "Sign out other devices" on A: all 20 others refused on B; the acting one still works.
      const others = await newSessions(aliceId, 20)
      expect((await request(a, 'DELETE', '/api/sessions', '10.6.2.1', { token: acting.token })).status).toBe(200)
      for (const [i, other] of others.entries()) expect(await refusedOn(b, other.token, `10.6.3.${i}`)).toBe(true)
      expect((await request(b, 'GET', '/api/me', '10.6.2.2', { token: acting.token })).status).toBe(200)
      // An admin disables carol on B: each of her 5 sessions is refused on A.
      const [admin] = await newSessions(adminId, 1)
      const carol = await newSessions(carolId, 5)
      expect((await request(b, 'POST', `/api/users/${carolId}/disable`, '10.6.4.1', { token: admin?.token })).status).toBe(200)
      for (const [i, session] of carol.entries()) expect(await refusedOn(a, session.token, `10.6.5.${i}`)).toBe(true)
      // Dave changes his password on A: his 5 other sessions are refused on B.
      const [daveActing, ...daveOthers] = await newSessions(daveId, 6)
      const changed = await request(a, 'POST', '/api/me/password', '10.6.6.1', {
        token: daveActing?.token,
        body: { currentPassword: PASSWORD, newPassword: 'a brand new passphrase 2' },
      })
      expect(changed.status).toBe(200)
      for (const [i, session] of daveOthers.entries()) expect(await refusedOn(b, session.token, `10.6.7.${i}`)).toBe(true)
    }, 60_000)

    it('a brute force alternating between the instances is throttled at the same try as against one', async () => {
      const statuses: number[] = []
      for (let i = 0; i < 7; i++) {
        const server = i % 2 === 0 ? a : b
        statuses.push((await request(server, 'POST', '/api/auth/login', `10.3.0.${i}`, { body: { username: 'bob', password: `wrong ${i}` } })).status)
      }
      // LOGIN_FAILURES_PER_ACCOUNT (5) failures, then refused, whichever instance is asked.
      expect(statuses).toEqual([401, 401, 401, 401, 401, 429, 429])
    })

    it('a burst sent at once to both instances gets the free tries once: 5 checked, the rest 429', async () => {
      const answers = await Promise.all(
        Array.from({ length: 12 }, (_, i) =>
          request(i % 2 === 0 ? a : b, 'POST', '/api/auth/login', `10.5.0.${i}`, { body: { username: 'nobody-burst', password: `guess ${i}` } }),
        ),
      )
      const statuses = answers.map((answer) => answer.status).sort()
      expect(statuses).toEqual([...Array(5).fill(401), ...Array(7).fill(429)])
    })

    it('the per-IP limit is one count: RATE_LIMIT_MAX answers over both instances, then 429 on both', async () => {
      const statuses: number[] = []
      for (let i = 0; i < RATE_LIMIT_MAX + 2; i++) {
        statuses.push((await request(i % 2 === 0 ? a : b, 'GET', '/api/notes', '10.4.0.1')).status)
      }
      expect(statuses.slice(0, RATE_LIMIT_MAX).every((status) => status === 401)).toBe(true)
      expect(statuses.slice(RATE_LIMIT_MAX)).toEqual([429, 429])
    })
  })
})
