import { MeResponse } from '@tokenauth/shared'
import type { App } from '../http/app-instance.js'
import { errorResponses } from '../http/schemas.js'
import { toPublicUser } from '../auth/principal.js'
import { currentUser } from '@tokenauth/fastify-token-auth'
import { OPEN_WHILE_RESTRICTED } from '../plugins/restricted-session.js'

/** `GET /api/me`: the user the token belongs to. */
export default async function meRoutes(app: App): Promise<void> {
  app.get(
    '/me',
    {
      config: { auth: 'required', openWhileRestricted: OPEN_WHILE_RESTRICTED.always },
      schema: { tags: ['account'], response: { 200: MeResponse, ...errorResponses(401) } },
    },
    // Synchronous: nothing to wait for, so no promise and no microtask on every call.
    (request, reply) => {
      const me = currentUser(request)
      void reply.send(me.restriction === undefined ? toPublicUser(me) : { ...toPublicUser(me), restriction: me.restriction })
    },
  )
}
