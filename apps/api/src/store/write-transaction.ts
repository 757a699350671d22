import { sql } from 'kysely'
import type { Engine } from './engine.js'
import type { Queryable } from './tables.js'
import { parseRoles } from './roles-column.js'

/**
 * The signed-in session a write acts for. Before the work runs, inside its transaction,
 * the session must still exist, its user must not be disabled, and the user's roles as
 * they are now must still satisfy `rolesAdmit` (the route's rule).
 */
export interface ActingSession {
  readonly handle: string
  readonly rolesAdmit: (roles: readonly string[]) => boolean
}

/**
 * The actor of a write that acts for no signed-in session: signing in or out, renewing,
 * the first admin's setup, the users CLI, housekeeping, the audit log. A route with an
 * auth rule never writes as this (see `auth/acting-write.ts`).
 */
export const NO_SESSION = Symbol('no acting session')

export type WriteActor = ActingSession | typeof NO_SESSION

/** Thrown from inside a write transaction whose acting session is no longer live: nothing was written. */
export class ActorNotLiveError extends Error {
  override name = 'ActorNotLiveError'
  constructor(
    /** `revoked`: the session or its user is gone, or the user is disabled; `role`: the user lost the role the route needs. */
    readonly reason: 'revoked' | 'role',
  ) {
    super(reason === 'revoked' ? 'the acting session has ended' : 'the acting user no longer holds the role the write needs')
  }
}

declare const writeTransactionBrand: unique symbol
/**
 * A transaction that writes, opened by `inWriteTransaction` (and only there) after its
 * actor was checked. Store methods that change what a user did or may do take one, so a
 * write cannot happen outside a transaction that names its actor.
 */
export type WriteTransaction = Queryable & { readonly [writeTransactionBrand]: true }

/** Transaction-scoped advisory lock keys on PostgreSQL (SQLite's write lock already covers these). */
export const LOCK_KEYS = {
  /** Whoever may change the set of admins who can sign in (the last-admin check), or act on another user. */
  admins: 0x746f6b01,
  /** Setup-link redemption (first admin). */
  setup: 0x746f6b02,
  /** One user's password and sessions (with the user id as the second key). */
  userCredentials: 0x746f6b03,
} as const

/** A lock `inWriteTransaction` takes before it checks the actor: a key, or a key and a sub-key. */
export type TransactionLock = number | readonly [key: number, subKey: number]

export interface WriteOptions {
  /**
   * Advisory locks to take first, before the actor's rows are locked: every transaction
   * takes its locks in the same order (advisory, then rows), so two of them never wait on
   * each other in a circle.
   */
  readonly locks?: readonly TransactionLock[]
}

/**
 * Runs `work` in one transaction that writes, for `actor`. On SQLite it begins IMMEDIATE,
 * taking the write lock before the first read, so that a read-check-write (the acting
 * session, the last admin, a setup link) cannot interleave with another process's;
 * Kysely's single SQLite connection also keeps this process's other queries out until it
 * ends. On PostgreSQL it is a READ COMMITTED transaction that takes `locks`, then holds
 * the acting session's row and its user's row (FOR UPDATE): a revocation, a disable or a
 * role change committed by any instance either lands before the check (which then fails)
 * or waits until this transaction ends. A failed check throws `ActorNotLiveError` before
 * `work` runs. `work` must only touch the database: anything slow in it holds the lock.
 */
export async function inWriteTransaction<T>(
  engine: Engine,
  actor: WriteActor,
  work: (tx: WriteTransaction) => Promise<T>,
  options: WriteOptions = {},
): Promise<T> {
  const run = async (q: Queryable): Promise<T> => {
    for (const lock of options.locks ?? []) {
      if (typeof lock === 'number') await lockForTransaction(engine, q, lock)
      else await lockForTransaction(engine, q, lock[0], lock[1])
    }
    if (actor !== NO_SESSION) await confirmActorLive(engine, q, actor)
    // The brand marks what was opened here; it has no runtime part.
    return work(q as WriteTransaction)
  }
  if (engine.kind === 'postgres') {
    // PostgreSQL may abort one of two transactions that wait on each other (a deadlock, or
    // a serialization failure); nothing of it was written, so it runs again from the start.
    for (let attempt = 1; ; attempt++) {
      try {
        return await engine.db.transaction().execute(run)
      } catch (error) {
        if (attempt >= MAX_ATTEMPTS || !isRetryable(error)) throw error
      }
    }
  }
  return engine.db.connection().execute(async (connection) => {
    await sql`BEGIN IMMEDIATE`.execute(connection)
    try {
      const result = await run(connection)
      await sql`COMMIT`.execute(connection)
      return result
    } catch (error) {
      await sql`ROLLBACK`.execute(connection).catch(() => {})
      throw error
    }
  })
}

async function confirmActorLive(engine: Engine, q: Queryable, actor: ActingSession): Promise<void> {
  const query = q
    .selectFrom('sessions as s')
    .innerJoin('users as u', 'u.id', 's.user_id')
    .select(['u.disabled', 'u.roles'])
    .where('s.handle', '=', actor.handle)
  // FOR UPDATE in a join locks the matching row of each table: the session and its user.
  const row = await (engine.kind === 'postgres' ? query.forUpdate() : query).executeTakeFirst()
  if (row === undefined || row.disabled !== 0) throw new ActorNotLiveError('revoked')
  if (!actor.rolesAdmit(parseRoles(row.roles))) throw new ActorNotLiveError('role')
}

const MAX_ATTEMPTS = 3

/** deadlock_detected, serialization_failure. */
function isRetryable(error: unknown): boolean {
  const code = (error as { code?: unknown }).code
  return code === '40P01' || code === '40001'
}

/** On PostgreSQL, takes `key` until the transaction ends; on SQLite a no-op (BEGIN IMMEDIATE holds the write lock). */
export async function lockForTransaction(engine: Engine, q: Queryable, key: number, subKey?: number): Promise<void> {
  if (engine.kind !== 'postgres') return
  if (subKey === undefined) await sql`SELECT pg_advisory_xact_lock(${key}::bigint)`.execute(q)
  else await sql`SELECT pg_advisory_xact_lock(${key}::int, ${subKey}::int)`.execute(q)
}
