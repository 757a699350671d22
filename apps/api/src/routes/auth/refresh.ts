import { LoginResponse, REFRESH_HEADER } from '@tokenauth/shared'
import type { App } from '../../http/app-instance.js'
import { ApiError } from '../../http/api-error.js'
import { errorResponses } from '../../http/schemas.js'
import { sessionState } from '../../auth/session-liveness.js'
import { issueAccessToken } from '../../auth/start-session.js'
import { sessionCookieSettings } from '../../plugins/cookie-session.js'
import type { Services } from '../../services.js'

/**
 * `POST /api/auth/refresh`: a new access token for the session the HttpOnly cookie
 * names. The custom header is the CSRF guard: a cross-site form cannot send it and a
 * cross-site `fetch` that tries needs a preflight, which is refused.
 */
export function refreshRoute(app: App, services: Services): void {
  const idleTimeoutMs = services.config.sessionIdleTimeoutSeconds * 1000
  const cookieName = sessionCookieSettings(services).name
  app.post(
    '/refresh',
    {
      config: { auth: 'public' },
      schema: {
        tags: ['auth'],
        summary: 'Renew the access token with the session cookie',
        response: { 200: LoginResponse, ...errorResponses(400, 401) },
      },
    },
    async (request, reply) => {
      reply.header('cache-control', 'no-store')
      if (request.headers[REFRESH_HEADER] !== '1') {
        throw new ApiError(400, 'bad_request', `The ${REFRESH_HEADER}: 1 header is required.`)
      }
      const auth = request.session.get('auth')
      if (!auth) {
        const hadCookie = request.cookies[cookieName] !== undefined
        throw new ApiError(401, hadCookie ? 'revoked_token' : 'missing_token')
      }
      const session = services.sessions.findLiveView(auth.handle)
      const now = services.clock()
      const state = session ? sessionState(session, now, idleTimeoutMs) : 'gone'
      if (!session || state !== 'live') {
        services.sessions.deleteByHandle(auth.handle)
        request.log.info({ state }, 'refresh refused')
        throw new ApiError(401, 'revoked_token')
      }
      services.sessions.touch(auth.handle, now)
      return issueAccessToken(services, { id: session.userId, username: session.username, roles: session.roles }, auth.handle)
    },
  )
}
