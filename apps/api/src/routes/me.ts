import { MeResponse } from '@tokenauth/shared'
import type { App } from '../http/app-instance.js'
import { errorResponses } from '../http/schemas.js'
import { toPublicUser } from '../auth/principal.js'
import { currentUser } from '@tokenauth/fastify-token-auth'

/** `GET /api/me`: the user the token belongs to. */
export default async function meRoutes(app: App): Promise<void> {
  app.get(
    '/me',
    {
      config: { auth: 'required' },
      schema: { tags: ['account'], response: { 200: MeResponse, ...errorResponses(401) } },
    },
    // Synchronous: nothing to wait for, so no promise and no microtask on every call.
    (request, reply) => {
      void reply.send(toPublicUser(currentUser(request)))
    },
  )
}
