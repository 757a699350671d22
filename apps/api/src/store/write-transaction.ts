import { sql } from 'kysely'
import type { Engine } from './engine.js'
import type { Queryable } from './tables.js'

/**
 * Runs `work` in one transaction that writes. On SQLite it begins IMMEDIATE, taking the
 * write lock before the first read, so that a read-check-write (the last admin, a setup
 * link) cannot interleave with another process's; Kysely's single SQLite connection also
 * keeps this process's other queries out until it ends. On PostgreSQL it is a READ
 * COMMITTED transaction; the work takes the row or advisory locks its check needs.
 * `work` must only touch the database: anything slow in it holds the lock.
 */
export async function inWriteTransaction<T>(engine: Engine, work: (q: Queryable) => Promise<T>): Promise<T> {
  if (engine.kind === 'postgres') {
    // PostgreSQL may abort one of two transactions that wait on each other (a deadlock, or
    // a serialization failure); nothing of it was written, so it runs again from the start.
    for (let attempt = 1; ; attempt++) {
      try {
        return await engine.db.transaction().execute(work)
      } catch (error) {
        if (attempt >= MAX_ATTEMPTS || !isRetryable(error)) throw error
      }
    }
  }
  return engine.db.connection().execute(async (connection) => {
    await sql`BEGIN IMMEDIATE`.execute(connection)
    try {
      const result = await work(connection)
      await sql`COMMIT`.execute(connection)
      return result
    } catch (error) {
      await sql`ROLLBACK`.execute(connection).catch(() => {})
      throw error
    }
  })
}

const MAX_ATTEMPTS = 3

/** deadlock_detected, serialization_failure. */
function isRetryable(error: unknown): boolean {
  const code = (error as { code?: unknown }).code
  return code === '40P01' || code === '40001'
}

/** Transaction-scoped advisory lock keys on PostgreSQL (SQLite's write lock already covers these). */
export const LOCK_KEYS = {
  /** Whoever may change the set of admins who can sign in (the last-admin check). */
  admins: 0x746f6b01,
  /** Setup-link redemption (first admin). */
  setup: 0x746f6b02,
  /** One user's password and sessions (with the user id as the second key). */
  userCredentials: 0x746f6b03,
} as const

/** On PostgreSQL, takes `key` until the transaction ends; on SQLite a no-op (BEGIN IMMEDIATE holds the write lock). */
export async function lockForTransaction(engine: Engine, q: Queryable, key: number, subKey?: number): Promise<void> {
  if (engine.kind !== 'postgres') return
  if (subKey === undefined) await sql`SELECT pg_advisory_xact_lock(${key}::bigint)`.execute(q)
  else await sql`SELECT pg_advisory_xact_lock(${key}::int, ${subKey}::int)`.execute(q)
}
