import { ChangePasswordRequest, ChangePasswordResponse } from '@tokenauth/shared'
import { currentUser } from '@tokenauth/fastify-token-auth'
import type { App } from '../http/app-instance.js'
import { ApiError } from '../http/api-error.js'
import { errorResponses } from '../http/schemas.js'
import { checkNewPassword } from '../auth/password-policy.js'
import { writeAsActor } from '../auth/acting-write.js'
import { TokenRefusal } from '../http/token-refusal.js'
import { LOCK_KEYS } from '../store/write-transaction.js'
import { OPEN_WHILE_RESTRICTED } from '../plugins/restricted-session.js'

/**
 * `POST /api/me/password`: needs a recent proof (step-up) and the current password,
 * re-hashes, and ends my other sessions (whoever knew the old password is out). A wrong current password is 403,
 * not 401: the caller's session is fine, and a 401 would log the app out.
 */
export default async function accountRoutes(app: App): Promise<void> {
  const { services } = app
  app.post(
    '/me/password',
    {
      config: { auth: { stepUp: { maxAge: services.config.stepUpMaxAgeSeconds } }, openWhileRestricted: OPEN_WHILE_RESTRICTED.passwordChange },
      schema: {
        tags: ['account'],
        body: ChangePasswordRequest,
        response: { 200: ChangePasswordResponse, ...errorResponses(400, 401, 403, 429, 503) },
      },
    },
    async (request) => {
      const me = currentUser(request)
      const user = await services.users.findById(me.id)
      if (!user) throw new TokenRefusal('revoked_token')
      const { currentPassword, newPassword } = request.body
      // The same throttle as sign-in: a stolen access token must not become a password oracle.
      const currentOk = await services.loginThrottle.guard(
        request.ip,
        user.username,
        () => services.passwords.verify(user.passwordHash, currentPassword),
        (ok) => ok,
      )
      if (!currentOk) {
        await services.audit.record(request, 'login_failed', { userId: user.id, username: user.username, detail: { reason: 'wrong_current_password' } })
        throw new ApiError(403, 'invalid_credentials', 'The current password is not correct.')
      }
      const check = checkNewPassword(newPassword, { username: user.username })
      if (!check.ok) throw new ApiError(400, 'invalid_password', check.message)
      const passwordHash = await services.passwords.hash(newPassword)
      // One password change per user at a time: of two sessions changing it at once, the
      // first ends the other, which then answers 401.
      const endedSessions = await writeAsActor(request, async (tx) => {
        await services.users.setPasswordHash(user.id, passwordHash, tx)
        // In the same write as the new password: the restriction lifts exactly when it is met.
        if (user.mustChangePassword) await services.users.setMustChangePassword(user.id, false, tx)
        return services.sessions.deleteByUser(user.id, me.sessionId, tx)
      }, { locks: [[LOCK_KEYS.userCredentials, user.id]] })
      await services.sessions.invalidate({ userIds: [user.id] })
      services.metrics.sessionsEnded('password_changed', endedSessions)
      await services.audit.record(request, 'password_changed', { userId: user.id, username: user.username, detail: { reason: 'others_ended', params: { count: endedSessions } } })
      return { endedSessions }
    },
  )
}
