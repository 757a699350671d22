import { MySignIns, type AuditKind } from '@tokenauth/shared'
import { currentUser } from '@tokenauth/fastify-token-auth'
import { describeUserAgent } from '../auth/device.js'
import type { App } from '../http/app-instance.js'
import { errorResponses } from '../http/schemas.js'

/** How many the Overview shows: enough to notice a stranger, few enough to read at a glance. */
export const MY_SIGN_INS_SHOWN = 5

const SIGN_IN_KINDS: readonly AuditKind[] = ['login_succeeded', 'login_failed', 'second_factor_failed']

/**
 * `GET /api/me/sign-ins`: the signed-in person's own recent sign-ins and refused tries,
 * from the audit log, so that a stranger's attempt shows on their Overview. No reasons:
 * those are for admins.
 */
export default async function mySignInRoutes(app: App): Promise<void> {
  const { services } = app
  app.get(
    '/me/sign-ins',
    { config: { auth: 'required' }, schema: { tags: ['account'], response: { 200: MySignIns, ...errorResponses(401) } } },
    async (request) => {
      const { events } = await services.auditStore.page({ userId: currentUser(request).id, kinds: SIGN_IN_KINDS, limit: MY_SIGN_INS_SHOWN })
      return {
        signIns: events.map((event) => ({
          at: new Date(event.at).toISOString(),
          succeeded: event.kind === 'login_succeeded',
          ip: event.ip,
          client: event.userAgent === null ? null : describeUserAgent(event.userAgent),
        })),
      }
    },
  )
}
