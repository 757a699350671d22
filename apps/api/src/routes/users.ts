import { UserList } from '@tokenauth/shared'
import type { App } from '../http/app-instance.js'
import { errorResponses } from '../http/schemas.js'
import type { Services } from '../services.js'

/** `GET /api/users` (role `admin`): every account. */
export default async function userRoutes(app: App, { services }: { services: Services }): Promise<void> {
  app.get(
    '/users',
    {
      config: { auth: { roles: { anyOf: ['admin'] } } },
      schema: { tags: ['users'], response: { 200: UserList, ...errorResponses(401, 403) } },
    },
    async (_request, reply) => {
      reply.header('cache-control', 'no-store')
      return {
        users: services.users.list().map((user) => ({
          id: user.id,
          username: user.username,
          roles: [...user.roles],
          createdAt: new Date(user.createdAt).toISOString(),
        })),
      }
    },
  )
}
