import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import pg from 'pg'
import { createAppWithAlice, ALICE_PASSWORD, type LoginResult, type TestApp } from '../test-support/test-app.js'
import {
  createTestPostgresDatabase,
  terminateAllConnections,
  TEST_POSTGRES_SERVER,
  type TestPostgresDatabase,
} from '../test-support/postgres-database.js'

/** PostgreSQL going away fails closed (503 with Retry-After, never a 500 or a hang) and the app recovers by itself. */
let database: TestPostgresDatabase
let t: TestApp
let alice: LoginResult
beforeAll(async () => {
  database = await createTestPostgresDatabase()
  ;({ t, alice } = await createAppWithAlice({ DATABASE_URL: database.url }))
}, 30_000)
afterAll(async () => {
  await t?.close()
  await database?.drop()
})

const me = () => t.app.inject({ url: '/api/me', headers: { authorization: `Bearer ${alice.token}` } })
const login = () => t.app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: 'alice', password: ALICE_PASSWORD } })

/** Whether GET /api/me answers 200 again within two seconds. */
async function serves(): Promise<boolean> {
  const deadline = Date.now() + 2000
  while (Date.now() < deadline) {
    if ((await me()).statusCode === 200) return true
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
  return false
}

async function allowConnections(allow: boolean): Promise<void> {
  const client = new pg.Client({ connectionString: TEST_POSTGRES_SERVER })
  await client.connect()
  try {
    await client.query(`ALTER DATABASE ${database.name} ALLOW_CONNECTIONS ${allow}`)
  } finally {
    await client.end()
  }
}

describe('PostgreSQL outages', () => {
  it('all the app’s connections killed mid-traffic: no 500, and the pool reconnects', async () => {
    expect((await me()).statusCode).toBe(200)
    const codes: number[] = []
    for (let round = 0; round < 5; round++) {
      const traffic = Array.from({ length: 40 }, () => me().then((r) => codes.push(r.statusCode)))
      expect(await terminateAllConnections(database.name)).toBeGreaterThan(0)
      await Promise.all(traffic)
    }
    expect(codes.filter((code) => code !== 200 && code !== 503)).toEqual([])
    expect(codes.filter((code) => code === 200).length).toBeGreaterThan(0)
    // A connection killed while idle in the pool may fail one more request before the pool
    // notices; then new connections serve again, within moments.
    expect(await serves()).toBe(true)
  })

  it('unreachable: token checks and sign-in answer 503 with Retry-After within seconds, readiness names postgres; then it recovers', async () => {
    await allowConnections(false)
    try {
      await terminateAllConnections(database.name)
      const started = Date.now()
      const refused = await me()
      expect(refused.statusCode).toBe(503)
      expect(refused.headers['retry-after'], refused.body).toBeDefined()
      expect(refused.json().error.code).toBe('service_unavailable')
      const signIn = await login()
      expect(signIn.statusCode).toBe(503)
      expect(signIn.json().error.code).toBe('service_unavailable')
      expect(Date.now() - started).toBeLessThan(5000)
      const ready = await t.app.inject({ url: '/api/health/ready' })
      expect(ready.statusCode).toBe(503)
      expect(ready.json().failing).toContain('postgres')
      expect((await t.app.inject({ url: '/api/health' })).statusCode).toBe(200)
    } finally {
      await allowConnections(true)
    }
    expect(await serves()).toBe(true)
    expect((await login()).statusCode).toBe(200)
    expect((await t.app.inject({ url: '/api/health/ready' })).statusCode).toBe(200)
  })
})
