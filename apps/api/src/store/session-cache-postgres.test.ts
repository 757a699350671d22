import { randomBytes } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestPostgresDatabase, terminateAllConnections, type TestPostgresDatabase } from '../test-support/postgres-database.js'
import { startTestRedis, type TestRedis } from '../test-support/redis-server.js'
import { asOperator } from '../test-support/as-operator.js'
import { openPostgres, type PostgresEngine } from './engine.js'
import { SessionStore } from './session-store.js'
import { UserStore } from './user-store.js'
import { cachedSessionFinder, LiveSessionCache } from './live-session-cache.js'
import { RedisSessionInvalidation } from './session-invalidation.js'

/** Two instances' stores on one real PostgreSQL database, each reading through its own cache. */
let database: TestPostgresDatabase
let redis: TestRedis
const instances: { engine: PostgresEngine; sessions: SessionStore; cache: LiveSessionCache; bus: RedisSessionInvalidation }[] = []
let userId = 0

beforeAll(async () => {
  database = await createTestPostgresDatabase()
  redis = await startTestRedis()
  for (let i = 0; i < 2; i++) {
    const engine = await openPostgres(database.url)
    const cache = new LiveSessionCache()
    instances.push({ engine, sessions: new SessionStore(engine), cache, bus: await RedisSessionInvalidation.start(redis.url, cache) })
  }
  const first = instances[0]
  if (!first) throw new Error('no instance')
  userId = (await asOperator(first.engine, (tx) => new UserStore(first.engine).create({ username: 'alice', passwordHash: 'x', roles: [], createdAt: Date.now() }, tx))).id
}, 30_000)
afterAll(async () => {
  for (const instance of instances) {
    await instance.bus.close()
    await instance.engine.close()
  }
  await redis.stop()
  await database.drop()
})

async function newSession(sessions: SessionStore): Promise<string> {
  const handle = randomBytes(18).toString('base64url')
  const now = Date.now()
  await sessions.create({ cookieId: randomBytes(24).toString('base64url'), handle, userId, createdAt: now, lastSeenAt: now, absoluteExpiresAt: now + 3_600_000, cookie: '{}', userAgent: null, ip: null })
  return handle
}

describe('the live-session read through the cache, on PostgreSQL', () => {
  it('a hit needs no database: answered with every connection of the pool killed', async () => {
    const [a] = instances
    if (!a) throw new Error('no instance')
    const find = cachedSessionFinder((handle) => a.sessions.findLiveView(handle), a.cache, Date.now, 60_000)
    const handle = await newSession(a.sessions)
    expect(await find(handle)).toMatchObject({ handle, userId })
    await terminateAllConnections(database.name)
    const hit = find(handle)
    expect(hit).not.toBeInstanceOf(Promise)
    expect(hit).toMatchObject({ handle })
  })

  it('a session ended on one instance is read afresh (and found gone) on the other once the write has invalidated it', async () => {
    const [a, b] = instances
    if (!a || !b) throw new Error('no instance')
    const findOnB = cachedSessionFinder((handle) => b.sessions.findLiveView(handle), b.cache, Date.now, 60_000)
    for (let i = 0; i < 50; i++) {
      const handle = await newSession(a.sessions)
      expect(await findOnB(handle)).toBeDefined()
      expect(findOnB(handle)).not.toBeInstanceOf(Promise)
      expect(await a.sessions.end(handle)).toBe(true)
      await a.bus.invalidate({ handles: [handle] })
      const after = findOnB(handle)
      expect(after).toBeInstanceOf(Promise)
      expect(await after).toBeUndefined()
    }
  })

  it('a user disabled on one instance: their cached sessions on the other are read afresh', async () => {
    const [a, b] = instances
    if (!a || !b) throw new Error('no instance')
    const findOnB = cachedSessionFinder((handle) => b.sessions.findLiveView(handle), b.cache, Date.now, 60_000)
    const handles = [await newSession(a.sessions), await newSession(a.sessions)]
    for (const handle of handles) expect(await findOnB(handle)).toMatchObject({ disabled: false })
    await asOperator(a.engine, (tx) => new UserStore(a.engine).setDisabled(userId, true, tx))
    await a.bus.invalidate({ userIds: [userId] })
    for (const handle of handles) expect(await findOnB(handle)).toMatchObject({ disabled: true })
  })
})
