import type { Db } from './database.js'
import { parseRoles } from './user-store.js'
import { hashCookieId, openSuccessor, sealSuccessor } from './cookie-id-hash.js'
import { sqliteChangeSignal } from './change-signal.js'
import { cacheUntilChanged } from './live-view-cache.js'

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
  readonly lastSeenAt: number
  readonly absoluteExpiresAt: number
}

interface SessionRow {
  cookie_id: string
  handle: string
  user_id: number
  created_at: number
  last_seen_at: number
  absolute_expires_at: number
  cookie: string
  items: string
  user_agent: string | null
  ip: string | null
}

interface SessionUserRow {
  handle: string
  user_id: number
  username: string
  roles: string
  disabled: number
  last_seen_at: number
  absolute_expires_at: number
}

/** Server sessions in SQLite. */
export class SessionStore {
  readonly #insert
  readonly #updateCookie
  readonly #byCookieId
  readonly #byHandle
  readonly #liveViewByHandle
  readonly #touch
  readonly #deleteByCookieId
  readonly #deleteByHandle
  readonly #setItems
  readonly #deleteExpired
  readonly #rotate
  readonly #retire
  readonly #retiredByCookieId
  readonly #byUser
  readonly #deleteByUserExcept
  readonly #countsByUser
  // The roles column is re-parsed only when its text changes; most requests hit this.
  #lastRolesText = '[]'
  #lastRoles: readonly string[] = []

  /**
   * The per-request session lookup, kept until the database changes (any write by any
   * connection): revocation stays immediate, and the common request reads two counters.
   */
  readonly #cachedLiveView: (handle: string) => LiveSessionView | undefined

  constructor(db: Db) {
    this.#cachedLiveView = cacheUntilChanged((handle) => this.#queryLiveView(handle), sqliteChangeSignal(db))
    this.#insert = db.prepare<[string, string, number, number, number, number, string, string | null, string | null]>(
      `INSERT INTO sessions (cookie_id, handle, user_id, created_at, last_seen_at, absolute_expires_at, cookie, user_agent, ip)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    )
    this.#updateCookie = db.prepare<[string, string]>('UPDATE sessions SET cookie = ? WHERE cookie_id = ?')
    this.#byCookieId = db.prepare<[string], SessionRow>('SELECT * FROM sessions WHERE cookie_id = ?')
    this.#byHandle = db.prepare<[string], SessionRow>('SELECT * FROM sessions WHERE handle = ?')
    this.#liveViewByHandle = db.prepare<[string], SessionUserRow>(
      `SELECT s.handle, s.user_id, u.username, u.roles, u.disabled, s.last_seen_at, s.absolute_expires_at
       FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.handle = ?`,
    )
    this.#touch = db.prepare<[number, string, number]>(
      'UPDATE sessions SET last_seen_at = ? WHERE handle = ? AND last_seen_at < ?',
    )
    this.#deleteByCookieId = db.prepare<[string]>('DELETE FROM sessions WHERE cookie_id = ?')
    this.#deleteByHandle = db.prepare<[string]>('DELETE FROM sessions WHERE handle = ?')
    this.#setItems = db.prepare<[string, string]>('UPDATE sessions SET items = ? WHERE handle = ?')
    this.#deleteExpired = db.prepare<[number, number]>(
      'DELETE FROM sessions WHERE absolute_expires_at <= ? OR last_seen_at <= ?',
    )
    this.#retire = db.prepare<[string, string, number, string]>(
      'INSERT INTO retired_cookie_ids (cookie_id, handle, retired_at, successor) VALUES (?, ?, ?, ?)',
    )
    const setCookieId = db.prepare<[string, string]>('UPDATE sessions SET cookie_id = ? WHERE cookie_id = ?')
    this.#rotate = db.transaction((oldCookieId: string, newCookieId: string, handle: string, now: number): boolean => {
      if (setCookieId.run(hashCookieId(newCookieId), hashCookieId(oldCookieId)).changes === 0) return false
      this.#retire.run(hashCookieId(oldCookieId), handle, now, sealSuccessor(oldCookieId, newCookieId))
      return true
    })
    this.#retiredByCookieId = db.prepare<[string], { handle: string; retired_at: number; successor: string | null }>(
      'SELECT handle, retired_at, successor FROM retired_cookie_ids WHERE cookie_id = ?',
    )
    this.#byUser = db.prepare<[number], SessionRow>('SELECT * FROM sessions WHERE user_id = ? ORDER BY last_seen_at DESC')
    this.#deleteByUserExcept = db.prepare<[number, string]>('DELETE FROM sessions WHERE user_id = ? AND handle != ?')
    this.#countsByUser = db.prepare<[number, number], { user_id: number; n: number }>(
      'SELECT user_id, count(*) AS n FROM sessions WHERE absolute_expires_at > ? AND last_seen_at > ? GROUP BY user_id',
    )
  }

  /**
   * Gives the session a new cookie id and retires the old one, in one transaction.
   * False when the old id no longer names a session (a concurrent renewal won).
   */
  rotateCookieId(oldCookieId: string, newCookieId: string, handle: string, now: number): boolean {
    return this.#rotate(oldCookieId, newCookieId, handle, now)
  }

  /**
   * The session a retired cookie id belonged to, when it was retired, and the id that
   * replaced it (which only the retired id itself can unseal).
   */
  findRetiredCookieId(cookieId: string): { handle: string; retiredAt: number; successor: string | undefined } | undefined {
    const row = this.#retiredByCookieId.get(hashCookieId(cookieId))
    return (
      row && {
        handle: row.handle,
        retiredAt: row.retired_at,
        successor: row.successor === null ? undefined : openSuccessor(cookieId, row.successor),
      }
    )
  }

  /** A user's sessions, most recently used first (expired ones included until pruned). */
  listByUser(userId: number): SessionRecord[] {
    return this.#byUser.all(userId).map(toRecord)
  }

  /** Ends every session of the user except `keepHandle` (pass '' to end all); returns how many. */
  deleteByUser(userId: number, keepHandle = ''): number {
    return this.#deleteByUserExcept.run(userId, keepHandle).changes
  }

  /** How many live sessions each user has. */
  liveCountsByUser(now: number, idleTimeoutMs: number): Map<number, number> {
    return new Map(this.#countsByUser.all(now, now - idleTimeoutMs).map((row) => [row.user_id, row.n]))
  }

  create(session: Omit<NewSession, 'items'>): void {
    this.#insert.run(
      hashCookieId(session.cookieId),
      session.handle,
      session.userId,
      session.createdAt,
      session.lastSeenAt,
      session.absoluteExpiresAt,
      session.cookie,
      session.userAgent,
      session.ip,
    )
  }

  /** Updates the cookie attributes of a session that exists; never creates one. */
  updateCookie(cookieId: string, cookie: string): void {
    this.#updateCookie.run(cookie, hashCookieId(cookieId))
  }

  findByCookieId(cookieId: string): SessionRecord | undefined {
    const row = this.#byCookieId.get(hashCookieId(cookieId))
    return row && toRecord(row)
  }

  findByHandle(handle: string): SessionRecord | undefined {
    const row = this.#byHandle.get(handle)
    return row && toRecord(row)
  }

  /** The hot-path read: session and user in one statement, no liveness judgement. */
  findLiveView(handle: string): LiveSessionView | undefined {
    return this.#cachedLiveView(handle)
  }

  #queryLiveView(handle: string): LiveSessionView | undefined {
    const row = this.#liveViewByHandle.get(handle)
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
      lastSeenAt: row.last_seen_at,
      absoluteExpiresAt: row.absolute_expires_at,
    })
  }

  /** Moves `last_seen_at` forward; a no-op when it is already at or past `now`. */
  touch(handle: string, now: number): void {
    this.#touch.run(now, handle, now)
  }

  deleteByCookieId(cookieId: string): boolean {
    return this.#deleteByCookieId.run(hashCookieId(cookieId)).changes > 0
  }

  deleteByHandle(handle: string): boolean {
    return this.#deleteByHandle.run(handle).changes > 0
  }

  /** Replaces the user's key-value items; false when the session no longer exists. */
  setItems(handle: string, items: Readonly<Record<string, string>>): boolean {
    return this.#setItems.run(JSON.stringify(items), handle).changes > 0
  }

  /** Deletes sessions past either timeout; returns how many. */
  deleteExpired(now: number, idleTimeoutMs: number): number {
    return this.#deleteExpired.run(now, now - idleTimeoutMs).changes
  }
}

function toRecord(row: SessionRow): SessionRecord {
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
