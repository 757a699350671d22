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
    async (request) => {
      return toPublicUser(currentUser(request))
    },
  )
}
