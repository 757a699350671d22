import { AUDIT_PAGE_MAX, AuditPage, AuditQuery } from '@tokenauth/shared'
import { describeUserAgent } from '../auth/device.js'
import { ApiError } from '../http/api-error.js'
import type { App } from '../http/app-instance.js'
import { errorResponses } from '../http/schemas.js'

const DEFAULT_PAGE = 50

/** `GET /api/audit` (role `admin`): security events, newest first, by user and kind, a page at a time. */
export default async function auditRoutes(app: App): Promise<void> {
  const { services } = app
  app.get(
    '/audit',
    {
      config: { auth: { roles: { anyOf: ['admin'] } } },
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
}
