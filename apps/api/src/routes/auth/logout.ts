import { createTokenExtractor, TOKEN_ABSENT, TOKEN_REPEATED } from '@tokenauth/fastify-token-auth'
import { TOKEN_HEADER, TOKEN_SCHEME } from '@tokenauth/shared'
import type { App } from '../../http/app-instance.js'
import { ApiError } from '../../http/api-error.js'
import { errorResponses } from '../../http/schemas.js'
import { sessionCookieSettings } from '../../plugins/cookie-session.js'
import type { Services } from '../../services.js'

/**
 * `POST /api/auth/logout`. Ends the session a valid token names and the session the
 * cookie names (usually the same one), and clears the cookie: from now on every token
 * of that session is refused. The cookie alone is enough, so a user whose access token
 * has just expired can still sign out for real; a cross-site page cannot make use of
 * that (SameSite=Lax, and the CSRF guard of this context).
 */
export function logoutRoute(app: App, services: Services): void {
  const cookie = sessionCookieSettings(services)
  const readToken = createTokenExtractor({ tokenHeader: TOKEN_HEADER, scheme: TOKEN_SCHEME, maxTokenLength: 4096 })
  app.post(
    '/logout',
    {
      // Checked in the handler: either a valid token or the session cookie will do.
      config: { auth: 'public' },
      schema: {
        tags: ['auth'],
        summary: 'End this session',
        response: { 204: { type: 'null' }, ...errorResponses(401) },
      },
    },
    async (request, reply) => {
      reply.header('cache-control', 'no-store')
      const ended = new Map<string, { userId: number; username: string }>()
      const token = readToken(request.headers, request.raw.rawHeaders)
      let tokenRefusal: ApiError | undefined
      if (typeof token === 'string') {
        const verified = await services.verifyAccessToken(token, request)
        if (verified.ok) ended.set(verified.principal.sessionId, { userId: verified.principal.id, username: verified.principal.username })
        else tokenRefusal = new ApiError(401, verified.code)
      } else if (token === TOKEN_REPEATED) {
        throw new ApiError(400, 'bad_request', 'A credential header was sent more than once.')
      } else if (token !== TOKEN_ABSENT) {
        tokenRefusal = new ApiError(401, 'malformed_token')
      }
      const cookieAuth = request.session.get('auth')
      if (cookieAuth) {
        const session = services.sessions.findLiveView(cookieAuth.handle)
        if (session) ended.set(cookieAuth.handle, { userId: session.userId, username: session.username })
        await request.session.destroy()
      }
      reply.clearCookie(cookie.name, { path: cookie.path, httpOnly: true, sameSite: 'lax', secure: cookie.secure })
      if (ended.size === 0 && !cookieAuth) {
        reply.header('www-authenticate', `${TOKEN_SCHEME} realm="tokenauth"`)
        throw tokenRefusal ?? new ApiError(401, 'missing_token')
      }
      for (const [handle, who] of ended) {
        services.sessions.deleteByHandle(handle)
        services.audit.record(request, 'logout', { ...who, secretRef: handle })
      }
      return reply.code(204).send(null)
    },
  )
}
