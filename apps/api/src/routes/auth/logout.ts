import type { App } from '../../http/app-instance.js'
import { errorResponses } from '../../http/schemas.js'
import { sessionCookieSettings } from '../../plugins/cookie-session.js'
import type { Services } from '../../services.js'

/**
 * `POST /api/auth/logout`. Deletes the server session the token names, so this token
 * (and any other of the session) is refused from now on, and clears the cookie.
 */
export function logoutRoute(app: App, services: Services): void {
  const cookie = sessionCookieSettings(services)
  app.post(
    '/logout',
    {
      config: { auth: 'required' },
      schema: {
        tags: ['auth'],
        summary: 'End this session',
        response: { 204: { type: 'null' }, ...errorResponses(401) },
      },
    },
    async (request, reply) => {
      const principal = request.user
      if (principal) {
        services.sessions.deleteByHandle(principal.sessionId)
        services.audit.record(request, 'logout', { userId: principal.id, username: principal.username, secretRef: principal.sessionId })
      }
      // The cookie may name the same session (already gone) or an older one: end it too.
      if (request.session.sessionId && request.session.get('auth')) await request.session.destroy()
      reply.clearCookie(cookie.name, { path: cookie.path, httpOnly: true, sameSite: 'lax', secure: cookie.secure })
      reply.header('cache-control', 'no-store')
      return reply.code(204).send(null)
    },
  )
}
