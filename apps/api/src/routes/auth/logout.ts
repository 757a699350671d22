import type { App } from '../../http/app-instance.js'
import { errorResponses } from '../../http/schemas.js'
import { clearSessionCookie, sessionCookieSettings } from '../../auth/session-cookie.js'

/**
 * `POST /api/auth/logout`. Ends the session a valid token names and the session the
 * cookie names (usually the same one), and clears the cookie: from now on every token
 * of that session is refused. The cookie alone is enough, so a user whose access token
 * has just expired can still sign out for real; a cross-site page cannot make use of
 * that (SameSite=Lax, and the CSRF guard of this context). The token is checked by the
 * plugin (`request.checkToken()`), and refused with its own answer.
 */
export function logoutRoute(app: App): void {
  const { services } = app
  const cookie = sessionCookieSettings(services.config)
  app.post(
    '/logout',
    {
      // A token or the session cookie will do: the handler asks the plugin.
      config: { auth: 'public' },
      schema: {
        tags: ['auth'],
        summary: 'End this session',
        response: { 204: { type: 'null' }, ...errorResponses(400, 401, 503) },
      },
    },
    async (request, reply) => {
      const check = await request.checkToken()
      // Two credentials in one request: refuse outright, whatever the cookie says.
      if (!check.ok && check.code === 'bad_request') return reply.refuseToken(check.code, check.detail)
      const ended = new Map<string, { userId: number; username: string }>()
      if (check.ok) ended.set(check.principal.sessionId, { userId: check.principal.id, username: check.principal.username })
      const cookieAuth = request.session.get('auth')
      if (cookieAuth) {
        const session = await services.sessions.findLiveView(cookieAuth.handle)
        if (session) ended.set(cookieAuth.handle, { userId: session.userId, username: session.username })
      }
      await clearSessionCookie(request, reply, cookie)
      if (ended.size === 0 && !cookieAuth) return reply.refuseToken(check.ok ? 'missing_token' : check.code, check.ok ? undefined : check.detail)
      for (const [handle, who] of ended) {
        if (await services.sessions.end(handle)) services.metrics.sessionsEnded('logout')
        await services.sessions.invalidate({ handles: [handle] })
        await services.audit.record(request, 'logout', { ...who, secretRef: handle })
      }
      return reply.code(204).send(null)
    },
  )
}
