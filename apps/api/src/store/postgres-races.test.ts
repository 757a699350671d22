import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import pg from 'pg'
import { sql } from 'kysely'
import type { WriteTransaction } from './write-transaction.js'
import { generateSigningKey } from '@tokenauth/signer'
import { createTestApp, manualClock, type TestApp } from '../test-support/test-app.js'
import { createTestPostgresDatabase, type TestPostgresDatabase } from '../test-support/postgres-database.js'
import { migratePostgres, POSTGRES_MIGRATIONS } from './postgres-migrations.js'
import { createAccessTokenSigner } from '../auth/access-tokens.js'
import { asOperator } from '../test-support/as-operator.js'

/**
 * What SQLite made safe by running one statement at a time must stay safe with two
 * instances on one PostgreSQL database: each race below sends the two conflicting
 * requests at once, one to each app, and checks that exactly one of them wins.
 */
const PASSWORD = 'correct horse battery'
const NEW_PASSWORD = 'a brand new passphrase 7'
const keys = [generateSigningKey('race-1')]

let database: TestPostgresDatabase
let a: TestApp
let b: TestApp
beforeAll(async () => {
  database = await createTestPostgresDatabase()
  const clock = manualClock()
  // Two instances: the same database, key ring and cookie secret (createTestApp's), one clock.
  // The per-IP request limit is not under test here (every request comes from one address).
  const env = { DATABASE_URL: database.url, RATE_LIMIT_MAX: '1000000' }
  a = await createTestApp(env, keys, { clock })
  b = await createTestApp(env, keys, { clock })
}, 30_000)
afterAll(async () => {
  await a?.close()
  await b?.close()
  await database?.drop()
})

const statuses = (responses: { statusCode: number }[]) => responses.map((r) => r.statusCode).sort()
const bearer = (token: string) => ({ authorization: `Bearer ${token}` })

describe('two instances on one PostgreSQL database', () => {
  it('migrate once when they start together', async () => {
    const fresh = await createTestPostgresDatabase()
    const pools = [0, 1, 2].map(() => {
      const pool = new pg.Pool({ connectionString: fresh.url })
      // A connection still closing when the drop below terminates it reports an error on
      // the client: expected here, not a failure (createPgPool does the same in the app).
      pool.on('error', () => {})
      pool.on('connect', (client) => client.on('error', () => {}))
      return pool
    })
    try {
      const applied = await Promise.all(pools.map((pool) => migratePostgres(pool)))
      expect(applied.sort()).toEqual([0, 0, POSTGRES_MIGRATIONS.length])
      const [first, second] = pools as [pg.Pool, pg.Pool, pg.Pool]
      const { rows } = await first.query('SELECT version FROM tokenauth_schema_version')
      expect(rows).toEqual([{ version: POSTGRES_MIGRATIONS.length }])
      expect(await migratePostgres(second)).toBe(0)
    } finally {
      await Promise.all(pools.map((pool) => pool.end()))
      await fresh.drop()
    }
  })

  it('redeem a setup link once, and create one first admin from two links', async () => {
    const setup = (app: TestApp, setupToken: string, username: string) =>
      app.app.inject({ method: 'POST', url: '/api/setup', payload: { setupToken, username, password: PASSWORD } })
    const link = await a.services.setupTokens.issue()
    const other = await b.services.setupTokens.issue()
    const results = await Promise.all([setup(a, link, 'first'), setup(b, link, 'second'), setup(b, other, 'third')])
    expect(results.filter((r) => r.statusCode === 201), results.map((r) => r.body).join('\n')).toHaveLength(1)
    expect(results.every((r) => [201, 403, 409].includes(r.statusCode))).toBe(true)
    expect(await a.services.users.count()).toBe(1)
    const admin = (await a.services.users.list())[0]
    expect(admin?.roles).toEqual(['admin'])
    await asOperator(a.services.engine, (tx) => a.services.users.removeById(admin?.id ?? 0, tx))

    // The same at the store, with the two transactions made to overlap: each creates its
    // admin slowly, so without the lock both would see no user and both succeed.
    const [n1, n2] = await Promise.all([a.services.setupTokens.issue(), b.services.setupTokens.issue()].map(async (t) => (await a.services.setupTokens.check(await t)) ?? ''))
    const slowCreate = (app: TestApp, username: string) => async (tx: WriteTransaction) => {
      await sql`SELECT pg_sleep(0.2)`.execute(tx)
      return app.services.users.create({ username, passwordHash: 'h', roles: ['admin'], createdAt: 0 }, tx)
    }
    const redeemed = await Promise.all([a.services.setupTokens.redeem(n1 ?? '', slowCreate(a, 'x1')), b.services.setupTokens.redeem(n2 ?? '', slowCreate(b, 'x2'))])
    expect(redeemed.filter((r) => r.ok)).toHaveLength(1)
    expect(await a.services.users.count()).toBe(1)
    // The rest of the file works with plain fixtures.
    for (const user of await a.services.users.list()) await asOperator(a.services.engine, (tx) => a.services.users.removeById(user.id, tx))
  })

  describe.each([
    ['disable', (app: TestApp, token: string, id: number) => app.app.inject({ method: 'POST', url: `/api/users/${id}/disable`, headers: bearer(token), payload: {} })],
    [
      'demote',
      (app: TestApp, token: string, id: number) =>
        app.app.inject({ method: 'PUT', url: `/api/users/${id}/roles`, headers: bearer(token), payload: { roles: [] } }),
    ],
    ['delete', (app: TestApp, token: string, id: number) => app.app.inject({ method: 'DELETE', url: `/api/users/${id}`, headers: bearer(token), payload: {} })],
  ])('the last-admin check (%s)', (_name, act) => {
    it('lets only one of two admins take the other out at once', async () => {
      const suffix = Math.random().toString(36).slice(2, 8)
      const one = await a.addUser(`one${suffix}`, PASSWORD, ['admin'])
      const two = await b.addUser(`two${suffix}`, PASSWORD, ['admin'])
      // Only these two are admins who can sign in.
      for (const id of await a.services.users.enabledAdminIds()) if (id !== one.id && id !== two.id) await asOperator(a.services.engine, (tx) => a.services.users.removeById(id, tx))
      const tokenOne = (await a.login(`one${suffix}`, PASSWORD)).token
      const tokenTwo = (await b.login(`two${suffix}`, PASSWORD)).token
      const results = await Promise.all([act(a, tokenOne, two.id), act(b, tokenTwo, one.id)])
      const codes = statuses(results)
      // One wins; the other is refused: the last admin (409), a user no longer admin (403),
      // or a token whose user just went (401).
      expect(codes.filter((code) => code < 300), String(codes)).toHaveLength(1)
      expect(codes.every((code) => code < 300 || [401, 403, 409].includes(code)), String(codes)).toBe(true)
      expect(await a.services.users.enabledAdminIds()).toHaveLength(1)
    })
  })

  it('rotate a session cookie once when both renew with it at once, and end the session on a later replay', async () => {
    await a.addUser('renewer', PASSWORD)
    const login = await a.login('renewer', PASSWORD)
    const refresh = (app: TestApp, cookie: string) =>
      app.app.inject({ method: 'POST', url: '/api/auth/refresh', headers: { cookie, 'x-tokenauth-refresh': '1' } })
    const both = await Promise.all([refresh(a, login.cookie), refresh(b, login.cookie)])
    expect(statuses(both)).toEqual([200, 200])
    const handle = (await a.services.sessions.listByUser(login.user.id))[0]?.handle ?? ''
    const retired = await a.services.engine.db.selectFrom('retired_cookie_ids').select('cookie_id').where('handle', '=', handle).execute()
    expect(retired).toHaveLength(1)
    // Past the grace window the retired cookie is a replay: the session ends, on both instances.
    a.clock.advance(60_000)
    expect((await refresh(b, login.cookie)).statusCode).toBe(401)
    const token = both[0]?.json().token as string
    expect((await a.app.inject({ url: '/api/me', headers: bearer(token) })).statusCode).toBe(401)
  })

  it('let only one of two sessions change the password at once; the other is ended, never a 500', async () => {
    await a.addUser('changer', PASSWORD)
    const onA = await a.login('changer', PASSWORD)
    const onB = await b.login('changer', PASSWORD)
    const change = (app: TestApp, token: string, newPassword: string) =>
      app.app.inject({ method: 'POST', url: '/api/me/password', headers: bearer(token), payload: { currentPassword: PASSWORD, newPassword } })
    const results = await Promise.all([change(a, onA.token, NEW_PASSWORD), change(b, onB.token, `${NEW_PASSWORD}!`)])
    // The loser's session is ended (401); or, had the winner committed before the loser read
    // the user, its current password is no longer right (403). Never both, never a 500.
    const [won200, lost] = statuses(results)
    expect(won200).toBe(200)
    expect([401, 403]).toContain(lost)
    const winner = results.findIndex((r) => r.statusCode === 200)
    expect(results[winner]?.json().endedSessions).toBe(1)
    expect(await a.services.sessions.listByUser(onA.user.id)).toHaveLength(1)
    // The winner's password holds.
    const won = winner === 0 ? NEW_PASSWORD : `${NEW_PASSWORD}!`
    expect((await b.app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: 'changer', password: won } })).statusCode).toBe(200)
  })

  it('a logout answered by one is refused by the other at the very next request: 0 accepted of 1,000', async () => {
    const user = await a.addUser('revoked', PASSWORD)
    const signer = createAccessTokenSigner(keys, 900, a.clock)
    let accepted = 0
    for (let i = 0; i < 1000; i++) {
      const [revoker, checker] = i % 2 === 0 ? [a, b] : [b, a]
      const handle = `revoke-${i}`
      const now = a.clock()
      await a.services.sessions.create({ cookieId: `cookie-revoke-${i}`, handle, userId: user.id, createdAt: now, lastSeenAt: now, absoluteExpiresAt: now + 3_600_000, cookie: '{}', userAgent: null, ip: null })
      const { token } = await signer.sign({ sub: String(user.id), sid: handle })
      // Accepted by the checker first, so a refusal afterwards is the revocation's doing.
      expect((await checker.app.inject({ url: '/api/me', headers: bearer(token) })).statusCode).toBe(200)
      expect((await revoker.app.inject({ method: 'POST', url: '/api/auth/logout', headers: bearer(token) })).statusCode).toBe(204)
      if ((await checker.app.inject({ url: '/api/me', headers: bearer(token) })).statusCode !== 401) accepted++
    }
    expect(accepted).toBe(0)
  }, 60_000)
})
