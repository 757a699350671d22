import { LoginResponse, REFRESH_HEADER } from '@tokenauth/shared'
import type { App } from '../../http/app-instance.js'
import { ApiError } from '../../http/api-error.js'
import { errorResponses } from '../../http/schemas.js'
import { renewSession } from '../../auth/renewal.js'
import { issueAccessToken } from '../../auth/start-session.js'
import { readSessionCookieId, rotateSessionCookie, sessionCookieSettings } from '../../auth/session-cookie.js'

/**
 * `POST /api/auth/refresh`: a new access token for the session the HttpOnly cookie
 * names, and a new cookie id (the old one is retired; replaying it later ends the
 * session). The custom header is the CSRF guard: a cross-site form cannot send it and
 * a cross-site `fetch` that tries needs a preflight, which is refused.
 *
 * This route reads and rotates the cookie through `auth/session-cookie.ts`, outside
 * @fastify/session, whose `onSend` would clear a cookie it does not find in the store
 * (a just-retired one). Both sign with the same secrets, so the cookies are the same.
 */
export function refreshRoute(app: App): void {
  const { services } = app
  const idleTimeoutMs = services.config.sessionIdleTimeoutSeconds * 1000
  const cookie = sessionCookieSettings(services.config)
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
      if (request.headers[REFRESH_HEADER] !== '1') {
        throw new ApiError(400, 'bad_request', `The ${REFRESH_HEADER}: 1 header is required.`)
      }
      const cookieId = readSessionCookieId(request, cookie)
      if (cookieId === 'absent') throw new ApiError(401, 'missing_token')
      if (cookieId === 'invalid') throw new ApiError(401, 'revoked_token')

      const now = services.clock()
      const outcome = await renewSession(services.sessions, cookieId, now, idleTimeoutMs)
      switch (outcome.kind) {
        case 'unknown':
          throw new ApiError(401, 'revoked_token')
        case 'ended':
          services.metrics.sessionsEnded(outcome.state)
          await services.audit.record(request, 'session_ended', { ...auditSubject(outcome), detail: { reason: outcome.state } })
          throw new ApiError(401, 'revoked_token')
        case 'replayed':
          request.log.warn({ userId: outcome.userId }, 'retired session cookie replayed: session revoked')
          services.metrics.sessionsEnded('replayed')
          await services.audit.record(request, 'renewal_replayed', { ...auditSubject(outcome), detail: { reason: 'retired_cookie_replayed' } })
          throw new ApiError(401, 'revoked_token')
        case 'renewed': {
          const session = await services.sessions.findByHandle(outcome.handle)
          if (!session) throw new ApiError(401, 'revoked_token')
          rotateSessionCookie(reply, cookie, outcome.cookieId, session.absoluteExpiresAt, now)
          // A renewal restarts the idle clock (renewSession touches the session).
          request.sessionIdleEndsAt = now + idleTimeoutMs
          await services.audit.recordRenewal(request, { ...auditSubject(outcome), detail: outcome.rotated ? null : { reason: 'grace_cookie_resent' } })
          // The session's own proof, never "now": a renewal is not a new proof of who the person is.
          return issueAccessToken(services, { id: outcome.userId, username: outcome.username, roles: outcome.roles }, outcome.handle, session)
        }
      }
    },
  )
}

function auditSubject(outcome: { userId: number; username: string; handle: string }) {
  return { userId: outcome.userId, username: outcome.username, secretRef: outcome.handle }
}
