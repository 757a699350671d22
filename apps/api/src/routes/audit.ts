import { AUDIT_PAGE_MAX, AuditPage, AuditQuery, SECURITY_SERIES, SecuritySummary, SecuritySummaryQuery, type SecuritySummaryRange } from '@tokenauth/shared'
import { describeUserAgent } from '../auth/device.js'
import { ApiError } from '../http/api-error.js'
import type { App } from '../http/app-instance.js'
import { errorResponses } from '../http/schemas.js'

const DEFAULT_PAGE = 50
const HOUR_MS = 3_600_000
const DAY_MS = 24 * HOUR_MS

/** Each range of the security overview: buckets of whole UTC hours or days, the current one last. */
const RANGES: Readonly<Record<SecuritySummaryRange, { bucket: 'hour' | 'day'; size: number; count: number }>> = {
  '24h': { bucket: 'hour', size: HOUR_MS, count: 24 },
  '30d': { bucket: 'day', size: DAY_MS, count: 30 },
}

/**
 * `GET /api/audit` (role `admin`): security events, newest first, by user and kind, a page at a time.
 * `GET /api/audit/summary` (role `admin`): sign-in events per hour or day, for the Overview's chart.
 */
export default async function auditRoutes(app: App): Promise<void> {
  const { services } = app
  app.get(
    '/audit',
    {
      config: { auth: { roles: { anyOf: ['admin'] } }, permission: 'audit.read' },
      schema: { tags: ['audit'], querystring: AuditQuery, response: { 200: AuditPage, ...errorResponses(400, 401, 403) } },
    },
    async (request) => {
      const { userId, kind, excludeKind, before, limit } = request.query
      const pageSize = limit ? Number(limit) : DEFAULT_PAGE
      if (pageSize > AUDIT_PAGE_MAX) throw new ApiError(400, 'bad_request', `limit must be from 1 to ${AUDIT_PAGE_MAX}.`)
      const page = await services.auditStore.page({
        ...(userId ? { userId: Number(userId) } : {}),
        ...(kind ? { kind } : {}),
        ...(excludeKind ? { excludeKind } : {}),
        ...(before ? { before: Number(before) } : {}),
        limit: pageSize,
      })
      return {
        events: page.events.map((event) => ({
          ...event,
          at: new Date(event.at).toISOString(),
          client: event.userAgent === null ? null : describeUserAgent(event.userAgent),
        })),
        nextBefore: page.nextBefore === null ? null : String(page.nextBefore),
      }
    },
  )

  app.get(
    '/audit/summary',
    {
      config: { auth: { roles: { anyOf: ['admin'] } }, permission: 'audit.read' },
      schema: {
        tags: ['audit'],
        summary: 'Sign-ins, failed sign-ins and throttled tries per hour (24 h) or day (30 days)',
        querystring: SecuritySummaryQuery,
        response: { 200: SecuritySummary, ...errorResponses(400, 401, 403) },
      },
    },
    async (request) => {
      const { range } = request.query
      const { bucket, size, count } = RANGES[range]
      // UTC has whole hours and days in epoch milliseconds, so a bucket starts at a multiple of its size.
      const from = (Math.floor(services.clock() / size) - (count - 1)) * size
      const kinds = SECURITY_SERIES.flatMap((series) => series.kinds)
      const rows = await services.auditStore.countByBucket({ from, size, count, kinds })
      return {
        range,
        bucket,
        buckets: Array.from({ length: count }, (_, i) => new Date(from + i * size).toISOString()),
        series: SECURITY_SERIES.map((series) => {
          const counts = new Array<number>(count).fill(0)
          for (const row of rows) {
            if (series.kinds.includes(row.kind) && row.bucket >= 0 && row.bucket < count) counts[row.bucket] = (counts[row.bucket] ?? 0) + row.count
          }
          return { name: series.name, kinds: [...series.kinds], counts }
        }),
      }
    },
  )
}
