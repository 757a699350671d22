import { AuditPage, AuditQuery } from '@tokenauth/shared'
import type { App } from '../http/app-instance.js'
import { errorResponses } from '../http/schemas.js'
import type { Services } from '../services.js'

const DEFAULT_PAGE = 50

/** `GET /api/audit` (role `admin`): security events, newest first, by user and kind, a page at a time. */
export default async function auditRoutes(app: App, { services }: { services: Services }): Promise<void> {
  app.get(
    '/audit',
    {
      config: { auth: { roles: { anyOf: ['admin'] } } },
      schema: { tags: ['audit'], querystring: AuditQuery, response: { 200: AuditPage, ...errorResponses(400, 401, 403) } },
    },
    async (request) => {
      const { userId, kind, before, limit } = request.query
      const page = services.auditStore.page({
        ...(userId ? { userId: Number(userId) } : {}),
        ...(kind ? { kind } : {}),
        ...(before ? { before: Number(before) } : {}),
        limit: limit ? Number(limit) : DEFAULT_PAGE,
      })
      return {
        events: page.events.map((event) => ({ ...event, at: new Date(event.at).toISOString() })),
        nextBefore: page.nextBefore === null ? null : String(page.nextBefore),
      }
    },
  )
}
