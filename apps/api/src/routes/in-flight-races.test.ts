import { setTimeout as sleep } from 'node:timers/promises'
import { sql } from 'kysely'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { generateSigningKey } from '@tokenauth/signer'
import { ENGINES, type EngineKind } from '../test-support/test-engine.js'
import { createTestApp, manualClock, type TestApp } from '../test-support/test-app.js'
import { createTestPostgresDatabase, type TestPostgresDatabase } from '../test-support/postgres-database.js'
import { HOLD_HEADER, latch, withHandlerHolds, type HandlerHolds } from '../test-support/handler-holds.js'

/**
 * Review items 1 and 6 as they were measured: a write that waited on the lock of the
 * very change that revoked its actor, and a note whose author was deleted meanwhile. On
 * SQLite one instance (one connection, one write lock); on PostgreSQL two instances on
 * one database, the revocation on the other one.
 */
const PASSWORD = 'correct horse battery'

describe.each(ENGINES)('on %s', (kind: EngineKind) => {
  let database: TestPostgresDatabase | undefined
  /** Where root (an admin) and alice act. */
  let a: TestApp
  /** Where keeper (the other admin) acts: a second instance on PostgreSQL, the same one on SQLite. */
  let b: TestApp
  let holds: HandlerHolds
  let ids: { root: number; keeper: number; alice: number }

  beforeEach(async () => {
    database = kind === 'postgres' ? await createTestPostgresDatabase() : undefined
    const keys = [generateSigningKey('races-1')]
    const clock = manualClock()
    const env: Record<string, string> = { RATE_LIMIT_MAX: '1000000', ...(database ? { DATABASE_URL: database.url } : {}) }
    const built = await withHandlerHolds(() => createTestApp(env, keys, { clock, engine: kind }))
    a = built.result
    holds = built.holds
    b = database ? await createTestApp(env, keys, { clock }) : a
    ids = {
      root: (await a.addUser('root', PASSWORD, ['admin'])).id,
      keeper: (await a.addUser('keeper', PASSWORD, ['admin'])).id,
      alice: (await a.addUser('alice', PASSWORD)).id,
    }
  }, 30_000)
  afterEach(async () => {
    if (b !== a) await b.close()
    await a.close()
    await database?.drop()
  })

  /**
   * Resolves once the role change waits for the lock the disable holds: on PostgreSQL a
   * lock some transaction waits for; on SQLite the one connection, which the change's
   * first query (its read of the target) queues for as it asks.
   */
  async function waitingOnTheLock(asked: Promise<undefined>): Promise<void> {
    if (kind === 'sqlite') {
      await asked
      return
    }
    for (;;) {
      const { rows } = await sql<{ n: string }>`SELECT count(*) AS n FROM pg_locks WHERE NOT granted`.execute(b.services.engine.db)
      if (Number(rows[0]?.n) > 0) return
      await sleep(5)
    }
  }

  it('a role change that waited on the lock of the disable of its admin is not written after the disable (401)', async () => {
    const root = await a.login('root', PASSWORD)
    const keeper = await b.login('keeper', PASSWORD)
    // Root's role change gets past every check of the plugin and waits inside its handler.
    const hold = holds.hold('change')
    const change = a.app.inject({
      method: 'PUT',
      url: `/api/users/${ids.alice}/roles`,
      headers: { token: root.token, [HOLD_HEADER]: 'change' },
      payload: { roles: ['editor'] },
    })
    await hold.reached
    // The disable of root stops inside its transaction, holding the lock, until released.
    const inside = latch()
    const gate = latch()
    const deleteByUser = b.services.sessions.deleteByUser.bind(b.services.sessions)
    vi.spyOn(b.services.sessions, 'deleteByUser').mockImplementationOnce(async (...args) => {
      inside.open()
      await gate.promise
      return deleteByUser(...args)
    })
    const disable = b.app.inject({ method: 'POST', url: `/api/users/${ids.root}/disable`, headers: { token: keeper.token }, payload: {} })
    await inside.promise

    // The role change goes on, and waits for the same lock; then the disable commits.
    const asked = latch()
    const executor = a.services.engine.db.getExecutor()
    const provideConnection = executor.provideConnection.bind(executor)
    vi.spyOn(executor, 'provideConnection').mockImplementation((consumer) => {
      const provided = provideConnection(consumer)
      asked.open()
      return provided
    })
    hold.release()
    await waitingOnTheLock(asked.promise)
    gate.open()

    expect((await disable).statusCode).toBe(200)
    const refused = await change
    expect(refused.statusCode, refused.body).toBe(401)
    expect(refused.json().error.code).toBe('revoked_token')
    expect((await b.services.users.findById(ids.alice))?.roles).toEqual([])
  })

  it('a note written while its author is deleted answers 401 revoked_token, never a 500, and is not stored', async () => {
    const alice = await a.login('alice', PASSWORD)
    const keeper = await b.login('keeper', PASSWORD)
    const hold = holds.hold('note')
    const note = a.app.inject({ method: 'POST', url: '/api/notes', headers: { token: alice.token, [HOLD_HEADER]: 'note' }, payload: { text: 'hello' } })
    await hold.reached
    expect((await b.app.inject({ method: 'DELETE', url: `/api/users/${ids.alice}`, headers: { token: keeper.token } })).statusCode).toBe(204)
    hold.release()
    const refused = await note
    expect(refused.statusCode, refused.body).toBe(401)
    expect(refused.json().error.code).toBe('revoked_token')
    expect(await b.services.notes.list()).toEqual([])
  })
})
