import type { AuditDetail, AuditKind } from '@tokenauth/shared'
import { sql, type Kysely, type Selectable } from 'kysely'
import type { Engine } from './engine.js'
import type { AuditEventsTable, Queryable, Tables } from './tables.js'
import { inWriteTransaction, NO_SESSION } from './write-transaction.js'
import { fromDetailColumns, toDetailColumns } from './audit-detail-columns.js'

/** What a caller records; the store adds the id. */
export interface NewAuditEvent {
  readonly at: number
  readonly kind: AuditKind
  readonly userId?: number | null
  readonly username?: string | null
  readonly ip?: string | null
  readonly userAgent?: string | null
  readonly ref?: string | null
  readonly detail?: AuditDetail | null
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
  readonly detail: AuditDetail | null
}

export interface AuditFilter {
  readonly userId?: number
  readonly kind?: AuditKind
  /** Only these kinds. */
  readonly kinds?: readonly AuditKind[]
  /** Leaves this kind out. */
  readonly excludeKind?: AuditKind
  /** Only events with a smaller id (the cursor of the previous page). */
  readonly before?: number
  readonly limit: number
}

/** Equal time buckets from `from` (ms since the epoch): `count` of `size` ms each. */
export interface AuditBuckets {
  readonly from: number
  readonly size: number
  readonly count: number
  /** The kinds to count. */
  readonly kinds: readonly AuditKind[]
}

/** How many events of one kind fell in bucket `bucket` (0 is the one starting at `from`). */
export interface AuditBucketCount {
  readonly bucket: number
  readonly kind: AuditKind
  readonly count: number
}

/** The audit log, on either engine: append, page newest first, prune. */
export class AuditStore {
  readonly #engine: Engine

  constructor(engine: Engine) {
    this.#engine = engine
  }

  /**
   * Records a renewal in place of the session's previous one: a session renews every few
   * minutes for hours, and its newest renewal says all the earlier ones did.
   */
  recordRenewal(event: NewAuditEvent & { ref: string }): Promise<void> {
    return inWriteTransaction(this.#engine, NO_SESSION, async (q) => {
      await q.deleteFrom('audit_events').where('kind', '=', 'token_renewed').where('session', '=', event.ref).execute()
      await this.record(event, q)
    })
  }

  async record(event: NewAuditEvent, q: Queryable = this.#engine.db): Promise<void> {
    await q
      .insertInto('audit_events')
      .values({
        at: event.at,
        kind: event.kind,
        user_id: event.userId ?? null,
        username: event.username ?? null,
        ip: event.ip ?? null,
        user_agent: event.userAgent ?? null,
        session: event.ref ?? null,
        ...toDetailColumns(event.detail),
      })
      .execute()
  }

  /** Newest first; one more row than asked tells whether there is a next page. */
  async page(filter: AuditFilter): Promise<{ events: AuditRecord[]; nextBefore: number | null }> {
    let query = this.#engine.db.selectFrom('audit_events').selectAll()
    if (filter.userId !== undefined) query = query.where('user_id', '=', filter.userId)
    if (filter.kind !== undefined) query = query.where('kind', '=', filter.kind)
    if (filter.kinds !== undefined) query = query.where('kind', 'in', filter.kinds)
    if (filter.excludeKind !== undefined) query = query.where('kind', '!=', filter.excludeKind)
    if (filter.before !== undefined) query = query.where('id', '<', filter.before)
    const rows = await query.orderBy('id', 'desc').limit(filter.limit + 1).execute()
    const hasMore = rows.length > filter.limit
    const events = rows.slice(0, filter.limit).map(toRecord)
    return { events, nextBefore: hasMore ? (events.at(-1)?.id ?? null) : null }
  }

  /** Counts events of `kinds` per bucket and kind; buckets without events are absent: the caller fills them. */
  async countByBucket(buckets: AuditBuckets): Promise<AuditBucketCount[]> {
    if (buckets.kinds.length === 0) return []
    const rows = await bucketCountQuery(this.#engine.db, buckets).execute()
    return rows.flatMap((row) => {
      const kind = buckets.kinds.find((k) => k === row.kind)
      return kind === undefined ? [] : [{ bucket: Number(row.bucket), kind, count: Number(row.n) }]
    })
  }

  /** Deletes events older than `cutoff`; returns how many. */
  async prune(cutoff: number): Promise<number> {
    const result = await this.#engine.db.deleteFrom('audit_events').where('at', '<', cutoff).executeTakeFirst()
    return Number(result.numDeletedRows)
  }
}

/**
 * The one query behind `countByBucket`, the same text on either engine (integer division
 * of `at` is exact on both). It reads the range through the index on `at` and counts every
 * kind in it; the caller keeps the kinds it asked for. A `kind IN (…)` here would make
 * SQLite prefer the index on `kind` and read every sign-in ever kept, not one day's.
 */
export function bucketCountQuery(db: Kysely<Tables>, buckets: Omit<AuditBuckets, 'kinds'>) {
  // better-sqlite3 binds a JS number as a REAL: cast, so that both engines divide integers.
  const bucket = sql<number>`(at - CAST(${buckets.from} AS BIGINT)) / CAST(${buckets.size} AS BIGINT)`
  return (
    db
      .selectFrom('audit_events')
      .select([bucket.as('bucket'), 'kind', (eb) => eb.fn.countAll<number>().as('n')])
      .where('at', '>=', buckets.from)
      .where('at', '<', buckets.from + buckets.size * buckets.count)
      // By the output name: PostgreSQL would take the same expression with fresh parameters for another one.
      .groupBy([sql`bucket`, 'kind'])
  )
}

function toRecord(row: Selectable<AuditEventsTable>): AuditRecord {
  return {
    id: row.id,
    at: row.at,
    kind: row.kind as AuditKind,
    userId: row.user_id,
    username: row.username,
    ip: row.ip,
    userAgent: row.user_agent,
    ref: row.session,
    detail: fromDetailColumns(row),
  }
}
