import { Type, type Static } from 'typebox'
import { AuditKind } from './audit.js'

/** The name of one line of the security overview. */
export const SecuritySeriesName = Type.Union([Type.Literal('sign_ins'), Type.Literal('failed_sign_ins'), Type.Literal('throttled')])
export type SecuritySeriesName = Static<typeof SecuritySeriesName>

/**
 * What each line of the security overview counts: the audit kinds it adds up. The server
 * queries, buckets and answers exactly these, in this order, so a line (step-ups, when
 * their kinds exist) is one entry here, its name above and its words in the app.
 */
export const SECURITY_SERIES: readonly { readonly name: SecuritySeriesName; readonly kinds: readonly AuditKind[] }[] = [
  { name: 'sign_ins', kinds: ['login_succeeded'] },
  { name: 'failed_sign_ins', kinds: ['login_failed', 'second_factor_failed'] },
  { name: 'throttled', kinds: ['login_throttled'] },
]

/** `GET /api/audit/summary` query: the last 24 hours by the hour, or the last 30 days by the day. */
export const SecuritySummaryQuery = Type.Object({ range: Type.Union([Type.Literal('24h'), Type.Literal('30d')]) }, { additionalProperties: false })
export type SecuritySummaryQuery = Static<typeof SecuritySummaryQuery>
export type SecuritySummaryRange = SecuritySummaryQuery['range']

/** One line: the kinds it counts and a count per bucket (`counts[i]` belongs to `buckets[i]`). */
export const SecuritySeries = Type.Object(
  {
    name: SecuritySeriesName,
    kinds: Type.Array(AuditKind),
    counts: Type.Array(Type.Integer({ minimum: 0 })),
  },
  { additionalProperties: false },
)
export type SecuritySeries = Static<typeof SecuritySeries>

/**
 * `GET /api/audit/summary` (role `admin`): sign-in events per UTC hour or day, oldest
 * bucket first, the last one the current (partial) hour or day; empty buckets are zeros.
 */
export const SecuritySummary = Type.Object(
  {
    range: SecuritySummaryQuery.properties.range,
    bucket: Type.Union([Type.Literal('hour'), Type.Literal('day')]),
    /** The start of each bucket (UTC, ISO 8601). */
    buckets: Type.Array(Type.String({ format: 'date-time' })),
    series: Type.Array(SecuritySeries),
  },
  { additionalProperties: false },
)
export type SecuritySummary = Static<typeof SecuritySummary>
