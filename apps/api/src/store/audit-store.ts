import type { AuditKind } from '@tokenauth/shared'
import type { Db } from './database.js'

/** What a caller records; the store adds the id. */
export interface NewAuditEvent {
  readonly at: number
  readonly kind: AuditKind
  readonly userId?: number | null
  readonly username?: string | null
  readonly ip?: string | null
  readonly userAgent?: string | null
  readonly ref?: string | null
  readonly detail?: string | null
}

export interface AuditRecord {
  readonly id: number
  readonly at: number
  readonly kind: AuditKind
  readonly userId: number | null
  readonly username: string | null
  readonly ip: string | null
  readonly userAgent: string | null
  readonly ref: string | null
  readonly detail: string | null
}

interface AuditRow {
  id: number
  at: number
  kind: AuditKind
  user_id: number | null
  username: string | null
  ip: string | null
  user_agent: string | null
  session: string | null
  detail: string | null
}

export interface AuditFilter {
  readonly userId?: number
  readonly kind?: AuditKind
  /** Only events with a smaller id (the cursor of the previous page). */
  readonly before?: number
  readonly limit: number
}

/** The audit log in SQLite: append, page newest first, prune. */
export class AuditStore {
  readonly #db: Db
  readonly #insert
  readonly #prune
  readonly #replaceRenewal

  constructor(db: Db) {
    this.#db = db
    this.#insert = db.prepare<[number, string, number | null, string | null, string | null, string | null, string | null, string | null]>(
      `INSERT INTO audit_events (at, kind, user_id, username, ip, user_agent, session, detail)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
    )
    this.#prune = db.prepare<[number]>('DELETE FROM audit_events WHERE at < ?')
    const deleteRenewals = db.prepare<[string]>("DELETE FROM audit_events WHERE kind = 'token_renewed' AND session = ?")
    this.#replaceRenewal = db.transaction((event: NewAuditEvent & { ref: string }) => {
      deleteRenewals.run(event.ref)
      this.record(event)
    })
  }

  /**
   * Records a renewal in place of the session's previous one: a session renews every few
   * minutes for hours, and its newest renewal says all the earlier ones did.
   */
  recordRenewal(event: NewAuditEvent & { ref: string }): void {
    this.#replaceRenewal(event)
  }

  record(event: NewAuditEvent): void {
    this.#insert.run(
      event.at,
      event.kind,
      event.userId ?? null,
      event.username ?? null,
      event.ip ?? null,
      event.userAgent ?? null,
      event.ref ?? null,
      event.detail ?? null,
    )
  }

  /** Newest first; one more row than asked tells whether there is a next page. */
  page(filter: AuditFilter): { events: AuditRecord[]; nextBefore: number | null } {
    const where: string[] = []
    const params: (string | number)[] = []
    if (filter.userId !== undefined) {
      where.push('user_id = ?')
      params.push(filter.userId)
    }
    if (filter.kind !== undefined) {
      where.push('kind = ?')
      params.push(filter.kind)
    }
    if (filter.before !== undefined) {
      where.push('id < ?')
      params.push(filter.before)
    }
    const sql = `SELECT * FROM audit_events ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY id DESC LIMIT ?`
    const rows = this.#db.prepare<(string | number)[], AuditRow>(sql).all(...params, filter.limit + 1)
    const hasMore = rows.length > filter.limit
    const events = rows.slice(0, filter.limit).map(toRecord)
    return { events, nextBefore: hasMore ? (events.at(-1)?.id ?? null) : null }
  }

  /** Deletes events older than `cutoff`; returns how many. */
  prune(cutoff: number): number {
    return this.#prune.run(cutoff).changes
  }
}

function toRecord(row: AuditRow): AuditRecord {
  return {
    id: row.id,
    at: row.at,
    kind: row.kind,
    userId: row.user_id,
    username: row.username,
    ip: row.ip,
    userAgent: row.user_agent,
    ref: row.session,
    detail: row.detail,
  }
}
