import { MyPermissions } from '@tokenauth/shared'
import { currentUser } from '@tokenauth/fastify-token-auth'
import type { App } from '../http/app-instance.js'
import { errorResponses } from '../http/schemas.js'
import type { PermissionIndex } from '../auth/permissions.js'

/** `GET /api/me/permissions`: what the signed-in person's roles let them do, by the routes' own rules. */
export default async function myPermissionRoutes(app: App, { permissions }: { permissions: PermissionIndex }): Promise<void> {
  app.get(
    '/me/permissions',
    { config: { auth: 'required' }, schema: { tags: ['account'], response: { 200: MyPermissions, ...errorResponses(401) } } },
    async (request) => ({ permissions: permissions.granted(currentUser(request).roles) }),
  )
}
