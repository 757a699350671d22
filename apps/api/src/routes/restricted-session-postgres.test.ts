import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestPostgresDatabase, type TestPostgresDatabase } from '../test-support/postgres-database.js'
import { startTestRedis, type TestRedis } from '../test-support/redis-server.js'
import { createTestApp, manualClock, type TestApp } from '../test-support/test-app.js'
import { totpCode } from '../second-factor/totp.js'

const PASSWORD = 'correct horse battery'
let database: TestPostgresDatabase
let redis: TestRedis
let a: TestApp
let b: TestApp

/** Two instances on one PostgreSQL database, each caching session views, invalidated through Redis. */
beforeAll(async () => {
  database = await createTestPostgresDatabase()
  redis = await startTestRedis()
  const clock = manualClock()
  const env = { DATABASE_URL: database.url, REDIS_URL: redis.url, MFA_REQUIRED: 'everyone' }
  a = await createTestApp(env, undefined, { clock })
  b = await createTestApp(env, a.keys, { clock })
}, 60_000)
afterAll(async () => {
  await a.close()
  await b.close()
  await redis.stop()
  await database.drop()
})

const as = (token: string) => ({ authorization: `Bearer ${token}` })

describe('restricted sessions on PostgreSQL, through the session cache', () => {
  it('an enrolment on one instance lifts the restriction on the other for the same session at once', async () => {
    await a.addUser('alice', PASSWORD)
    const { token } = await a.login('alice', PASSWORD)
    // Both instances now hold the restricted view in their caches.
    for (const t of [a, b]) expect((await t.app.inject({ method: 'GET', url: '/api/notes', headers: as(token) })).json().error.code).toBe('second_factor_enrolment_required')
    const { secret } = (await a.app.inject({ method: 'POST', url: '/api/me/second-factors/totp', headers: as(token) })).json() as { secret: string }
    const confirm = await a.app.inject({ method: 'POST', url: '/api/me/second-factors/totp/confirm', headers: as(token), payload: { code: totpCode(secret, a.clock()) } })
    expect(confirm.statusCode).toBe(200)
    for (const t of [b, a]) expect((await t.app.inject({ method: 'GET', url: '/api/notes', headers: as(token) })).statusCode).toBe(200)
  })

  it('must-change set by an admin on one instance, lifted by the change on the other', async () => {
    await a.addUser('root', PASSWORD, ['admin'])
    const root = await a.login('root', PASSWORD)
    const rootSecret = (await a.app.inject({ method: 'POST', url: '/api/me/second-factors/totp', headers: as(root.token) })).json().secret as string
    await a.app.inject({ method: 'POST', url: '/api/me/second-factors/totp/confirm', headers: as(root.token), payload: { code: totpCode(rootSecret, a.clock()) } })
    const created = await a.app.inject({ method: 'POST', url: '/api/users', headers: as(root.token), payload: { username: 'bob', password: PASSWORD, roles: [], mustChangePassword: true } })
    expect(created.statusCode).toBe(201)
    const bob = await b.login('bob', PASSWORD)
    expect((await a.app.inject({ method: 'GET', url: '/api/notes', headers: as(bob.token) })).json().error.code).toBe('password_change_required')
    const change = await b.app.inject({ method: 'POST', url: '/api/me/password', headers: as(bob.token), payload: { currentPassword: PASSWORD, newPassword: 'a brand new passphrase' } })
    expect(change.statusCode).toBe(200)
    // Next the enrolment, which MFA_REQUIRED=everyone asks of bob too.
    expect((await a.app.inject({ method: 'GET', url: '/api/notes', headers: as(bob.token) })).json().error.code).toBe('second_factor_enrolment_required')
  })
})
