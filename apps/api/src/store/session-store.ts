import type { Selectable } from 'kysely'
import { parseRoles } from './roles-column.js'
import { hashCookieId, openSuccessor, sealSuccessor } from './cookie-id-hash.js'
import type { Engine } from './engine.js'
import type { Queryable, SessionsTable } from './tables.js'
import { inWriteTransaction, LOCK_KEYS, NO_SESSION, type WriteTransaction } from './write-transaction.js'
import { isUnreachable } from './postgres-pool.js'
import { DependencyUnavailableError } from '../http/unavailable-error.js'
import type { InvalidationTarget } from './live-session-cache.js'
import { NO_CACHE, type SessionInvalidation } from './session-invalidation.js'

/**
 * A server session. `cookieId` is the secret id in the (signed) HttpOnly cookie, of which
 * the table keeps only a hash; `handle` is the public id that access tokens carry as
 * `sid`. They differ so that a token never reveals the cookie, and so the cookie id can
 * rotate while the session lives on.
 */
export interface NewSession {
  readonly cookieId: string
  readonly handle: string
  readonly userId: number
  readonly createdAt: number
  readonly lastSeenAt: number
  readonly absoluteExpiresAt: number
  /** The cookie attributes @fastify/session keeps with the session, as JSON. */
  readonly cookie: string
  readonly items: Readonly<Record<string, string>>
  readonly userAgent: string | null
  readonly ip: string | null
  /** When the person last proved who they are (ms), and how (RFC 8176 `amr` values); null for older sessions. */
  readonly authTime?: number | null
  readonly amr?: readonly string[] | null
}

/** A stored session: as created, but with the hash of its cookie id instead of the id. */
export type SessionRecord = Omit<NewSession, 'cookieId'> & { readonly cookieIdHash: string }

/** What the per-request check needs: the session and its user, from one indexed read. */
export interface LiveSessionView {
  readonly handle: string
  readonly userId: number
  readonly username: string
  readonly roles: readonly string[]
  readonly disabled: boolean
  /** An admin set "must change the password": the session is restricted until it changes. */
  readonly mustChangePassword: boolean
  /** An authenticator app turned on, or a passkey: what `MFA_REQUIRED` asks for. */
  readonly hasSecondFactor: boolean
  readonly lastSeenAt: number
  readonly absoluteExpiresAt: number
}

/** A value now (SQLite's synchronous read) or later (a PostgreSQL query). */
export type MaybePromise<T> = T | Promise<T>

/**
 * The live view's select, on both engines. Whether the account has a second factor is two
 * primary-key or indexed probes in the same statement: the restriction `MFA_REQUIRED` puts
 * on an account without one is judged from the database on every read, at no extra round
 * trip, so enrolling lifts it at once and removing the last factor brings it back.
 */
const LIVE_VIEW_COLUMNS = `SELECT s.handle, s.user_id, u.username, u.roles, u.disabled, u.must_change_password,
         (EXISTS (SELECT 1 FROM totp_factors t WHERE t.user_id = u.id AND t.enabled_at IS NOT NULL)
           OR EXISTS (SELECT 1 FROM passkeys p WHERE p.user_id = u.id)) AS has_second_factor,
         s.last_seen_at, s.absolute_expires_at
         FROM sessions s JOIN users u ON u.id = s.user_id`

interface SessionUserRow {
  handle: string
  user_id: number
  username: string
  roles: string
  disabled: number
  must_change_password: number
  /** 0 or 1 (SQLite), false or true (PostgreSQL). */
  has_second_factor: number | boolean
  last_seen_at: number
  absolute_expires_at: number
}

/**
 * Server sessions, on either engine. Methods that may run inside a transaction take it as
 * `q`; those that change what an actor may do take the write transaction as `tx`.
 */
export class SessionStore {
  readonly #engine: Engine
  readonly #invalidation: SessionInvalidation
  // The roles column is re-parsed only when its text changes; most requests hit this.
  #lastRolesText = '[]'
  #lastRoles: readonly string[] = []

  /**
   * The per-request session lookup: one indexed join, prepared once, on every request, so a
   * revocation committed by any connection, worker or instance is seen by the very next
   * request. On SQLite it is synchronous.
   */
  readonly #liveView: (handle: string) => MaybePromise<LiveSessionView | undefined>

  constructor(engine: Engine, invalidation: SessionInvalidation = NO_CACHE) {
    this.#engine = engine
    this.#invalidation = invalidation
    if (engine.kind === 'sqlite') {
      const statement = engine.sqlite.prepare<[string], SessionUserRow>(
        `${LIVE_VIEW_COLUMNS} WHERE s.handle = ?`,
      )
      this.#liveView = (handle) => this.#toView(statement.get(handle))
    } else {
      // The one query every request runs: a named prepared statement on the pool, skipping
      // Kysely's per-call compile and PostgreSQL's per-call parse and plan.
      const pool = engine.pool
      const statement = {
        name: 'tokenauth_live_view',
        text: `${LIVE_VIEW_COLUMNS} WHERE s.handle = $1`,
      }
      this.#liveView = async (handle) => {
        let client
        try {
          client = await pool.connect()
        } catch (error) {
          // Whatever stops a connection (refused, timed out, not allowed) is an outage.
          throw new DependencyUnavailableError('postgres', error)
        }
        try {
          const { rows } = await client.query<SessionUserRow>({ ...statement, values: [handle] })
          client.release()
          return this.#toView(rows[0])
        } catch (error) {
          // A connection that failed mid-query is not given back to the pool.
          client.release(isUnreachable(error))
          throw isUnreachable(error) ? new DependencyUnavailableError('postgres', error) : error
        }
      }
    }
  }

  /**
   * The one call every write that ends or narrows a session makes once it has committed
   * and before it answers: resolves when no instance can still answer from a cached copy
   * of what `target` names (each has dropped it, or its lease ran out); rejects with a
   * 503 when that cannot be confirmed. Immediate where nothing is cached (SQLite).
   */
  invalidate(target: InvalidationTarget): Promise<void> {
    return this.#invalidation.invalidate(target)
  }

  get #db(): Queryable {
    return this.#engine.db
  }

  /**
   * Gives the session a new cookie id and retires the old one, in one transaction.
   * False when the old id no longer names a session (a concurrent renewal won: on
   * PostgreSQL the second UPDATE waits for the first's row lock, then matches nothing).
   */
  rotateCookieId(oldCookieId: string, newCookieId: string, handle: string, now: number): Promise<boolean> {
    return inWriteTransaction(this.#engine, NO_SESSION, async (q) => {
      const moved = await q
        .updateTable('sessions')
        .set({ cookie_id: hashCookieId(newCookieId) })
        .where('cookie_id', '=', hashCookieId(oldCookieId))
        .executeTakeFirst()
      if (moved.numUpdatedRows === 0n) return false
      await q
        .insertInto('retired_cookie_ids')
        .values({ cookie_id: hashCookieId(oldCookieId), handle, retired_at: now, successor: sealSuccessor(oldCookieId, newCookieId) })
        .execute()
      return true
    })
  }

  /**
   * The session a retired cookie id belonged to, when it was retired, and the id that
   * replaced it (which only the retired id itself can unseal).
   */
  async findRetiredCookieId(cookieId: string): Promise<{ handle: string; retiredAt: number; successor: string | undefined } | undefined> {
    const row = await this.#db
      .selectFrom('retired_cookie_ids')
      .select(['handle', 'retired_at', 'successor'])
      .where('cookie_id', '=', hashCookieId(cookieId))
      .executeTakeFirst()
    return (
      row && {
        handle: row.handle,
        retiredAt: row.retired_at,
        successor: row.successor === null ? undefined : openSuccessor(cookieId, row.successor),
      }
    )
  }

  /** A user's sessions, most recently used first (expired ones included until pruned). */
  async listByUser(userId: number): Promise<SessionRecord[]> {
    const rows = await this.#db.selectFrom('sessions').selectAll().where('user_id', '=', userId).orderBy('last_seen_at', 'desc').execute()
    return rows.map(toRecord)
  }

  /** Ends every session of the user except `keepHandle` (pass '' to end all); returns how many. */
  async deleteByUser(userId: number, keepHandle: string, tx: WriteTransaction): Promise<number> {
    const result = await tx.deleteFrom('sessions').where('user_id', '=', userId).where('handle', '!=', keepHandle).executeTakeFirst()
    return Number(result.numDeletedRows)
  }

  /** How many sessions are live now, all users together. */
  async countLive(now: number, idleTimeoutMs: number): Promise<number> {
    const row = await this.#db
      .selectFrom('sessions')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('absolute_expires_at', '>', now)
      .where('last_seen_at', '>', now - idleTimeoutMs)
      .executeTakeFirst()
    return Number(row?.n ?? 0)
  }

  /** How many live sessions each user has. */
  async liveCountsByUser(now: number, idleTimeoutMs: number): Promise<Map<number, number>> {
    const rows = await this.#db
      .selectFrom('sessions')
      .select(['user_id', (eb) => eb.fn.countAll<number>().as('n')])
      .where('absolute_expires_at', '>', now)
      .where('last_seen_at', '>', now - idleTimeoutMs)
      .groupBy('user_id')
      .execute()
    return new Map(rows.map((row) => [row.user_id, Number(row.n)]))
  }

  /**
   * Stores a new session. With `maxPerUser`, the user's oldest sessions (least recently
   * used first) that would leave more than that are ended in the same transaction, under
   * the user's credentials lock so that two sign-ins at once cannot both pass the cap;
   * answers the sessions it ended.
   */
  async create(session: Omit<NewSession, 'items'>, maxPerUser = Number.POSITIVE_INFINITY): Promise<SessionRecord[]> {
    const row = {
      cookie_id: hashCookieId(session.cookieId),
      handle: session.handle,
      user_id: session.userId,
      created_at: session.createdAt,
      last_seen_at: session.lastSeenAt,
      absolute_expires_at: session.absoluteExpiresAt,
      cookie: session.cookie,
      user_agent: session.userAgent,
      ip: session.ip,
      auth_time: session.authTime ?? null,
      amr: session.amr == null ? null : JSON.stringify(session.amr),
    }
    if (!Number.isFinite(maxPerUser)) {
      await this.#db.insertInto('sessions').values(row).execute()
      return []
    }
    return inWriteTransaction(
      this.#engine,
      NO_SESSION,
      async (tx) => {
        // Every row of the user counts, expired ones too (housekeeping prunes those later):
        // the cap bounds the table, not only what can be used.
        const rows = await tx
          .selectFrom('sessions')
          .selectAll()
          .where('user_id', '=', session.userId)
          .orderBy('last_seen_at', 'asc')
          .orderBy('created_at', 'asc')
          .orderBy('handle', 'asc')
          .execute()
        const ended = rows.slice(0, Math.max(0, rows.length - (maxPerUser - 1)))
        if (ended.length > 0) {
          await tx
            .deleteFrom('sessions')
            .where(
              'handle',
              'in',
              ended.map((r) => r.handle),
            )
            .execute()
        }
        await tx.insertInto('sessions').values(row).execute()
        return ended.map(toRecord)
      },
      { locks: [[LOCK_KEYS.userCredentials, session.userId]] },
    )
  }

  /** Updates the cookie attributes of a session that exists; never creates one. */
  async updateCookie(cookieId: string, cookie: string): Promise<void> {
    await this.#db.updateTable('sessions').set({ cookie }).where('cookie_id', '=', hashCookieId(cookieId)).execute()
  }

  async findByCookieId(cookieId: string): Promise<SessionRecord | undefined> {
    const row = await this.#db.selectFrom('sessions').selectAll().where('cookie_id', '=', hashCookieId(cookieId)).executeTakeFirst()
    return row && toRecord(row)
  }

  async findByHandle(handle: string, q: Queryable = this.#db): Promise<SessionRecord | undefined> {
    const row = await q.selectFrom('sessions').selectAll().where('handle', '=', handle).executeTakeFirst()
    return row && toRecord(row)
  }

  /** The hot-path read: session and user in one statement, no liveness judgement. */
  findLiveView(handle: string): MaybePromise<LiveSessionView | undefined> {
    return this.#liveView(handle)
  }

  #toView(row: SessionUserRow | undefined): LiveSessionView | undefined {
    if (!row) return undefined
    if (row.roles !== this.#lastRolesText) {
      this.#lastRolesText = row.roles
      this.#lastRoles = Object.freeze(parseRoles(row.roles))
    }
    return Object.freeze({
      handle: row.handle,
      userId: row.user_id,
      username: row.username,
      roles: this.#lastRoles,
      disabled: row.disabled !== 0,
      mustChangePassword: row.must_change_password !== 0,
      hasSecondFactor: row.has_second_factor === true || row.has_second_factor === 1,
      lastSeenAt: row.last_seen_at,
      absoluteExpiresAt: row.absolute_expires_at,
    })
  }

  /** Moves `last_seen_at` forward; a no-op when it is already at or past `now`. */
  async touch(handle: string, now: number): Promise<void> {
    await this.#db.updateTable('sessions').set({ last_seen_at: now }).where('handle', '=', handle).where('last_seen_at', '<', now).execute()
  }

  /** Ends the session the cookie id names; answers its handle, if there was one. */
  async deleteByCookieId(cookieId: string): Promise<string | undefined> {
    const row = await this.#db.deleteFrom('sessions').where('cookie_id', '=', hashCookieId(cookieId)).returning('handle').executeTakeFirst()
    return row?.handle
  }

  /** Ends one session, for what an actor asked (their own device list, say). */
  async deleteByHandle(handle: string, tx: WriteTransaction): Promise<boolean> {
    const result = await tx.deleteFrom('sessions').where('handle', '=', handle).executeTakeFirst()
    return result.numDeletedRows > 0n
  }

  /**
   * Ends one session as part of its own lifecycle (sign-out, or an expired or replayed
   * session found on use): no actor to check, as it only takes access away.
   */
  async end(handle: string): Promise<boolean> {
    const result = await this.#db.deleteFrom('sessions').where('handle', '=', handle).executeTakeFirst()
    return result.numDeletedRows > 0n
  }

  /**
   * Records a fresh proof of who the session's person is (a step-up): when (ms) and how
   * (RFC 8176 `amr`). Renewals copy these into each new token. False when the session
   * no longer exists.
   */
  async recordAuthentication(handle: string, authTime: number, amr: readonly string[], tx: WriteTransaction): Promise<boolean> {
    const result = await tx.updateTable('sessions').set({ auth_time: authTime, amr: JSON.stringify(amr) }).where('handle', '=', handle).executeTakeFirst()
    return result.numUpdatedRows > 0n
  }

  /** Replaces the session's key-value items; false when the session no longer exists. */
  async setItems(handle: string, items: Readonly<Record<string, string>>, tx: WriteTransaction): Promise<boolean> {
    const result = await tx.updateTable('sessions').set({ items: JSON.stringify(items) }).where('handle', '=', handle).executeTakeFirst()
    return result.numUpdatedRows > 0n
  }

  /** Deletes sessions past either timeout; returns how many. */
  async deleteExpired(now: number, idleTimeoutMs: number): Promise<number> {
    const result = await this.#db
      .deleteFrom('sessions')
      .where((eb) => eb.or([eb('absolute_expires_at', '<=', now), eb('last_seen_at', '<=', now - idleTimeoutMs)]))
      .executeTakeFirst()
    return Number(result.numDeletedRows)
  }
}

function toRecord(row: Selectable<SessionsTable>): SessionRecord {
  return {
    cookieIdHash: row.cookie_id,
    handle: row.handle,
    userId: row.user_id,
    createdAt: row.created_at,
    lastSeenAt: row.last_seen_at,
    absoluteExpiresAt: row.absolute_expires_at,
    cookie: row.cookie,
    items: parseItems(row.items),
    userAgent: row.user_agent,
    ip: row.ip,
    authTime: row.auth_time,
    amr: parseAmr(row.amr),
  }
}

function parseAmr(text: string | null): string[] | null {
  if (text === null) return null
  try {
    const value: unknown = JSON.parse(text)
    return Array.isArray(value) ? value.filter((item): item is string => typeof item === 'string') : null
  } catch {
    return null
  }
}

function parseItems(text: string): Record<string, string> {
  try {
    const value: unknown = JSON.parse(text)
    if (typeof value !== 'object' || value === null || Array.isArray(value)) return {}
    const items: Record<string, string> = Object.create(null) as Record<string, string>
    for (const [key, item] of Object.entries(value)) if (typeof item === 'string') items[key] = item
    return items
  } catch {
    return {}
  }
}
