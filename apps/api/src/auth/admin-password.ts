import { currentUser } from '@tokenauth/fastify-token-auth'
import { needsAdminPassword, type AdminAction, type AdminActionName } from '@tokenauth/shared'
import type { FastifyRequest } from 'fastify'
import { ApiError } from '../http/api-error.js'
import { TokenRefusal } from '../http/token-refusal.js'

/**
 * The acting admin's own password, when `needsAdminPassword` says the request needs it
 * (it grants admin, or acts on another admin): the one place that asks, until a recent
 * second-factor proof (step-up) replaces it. Checked under the sign-in throttle, so a
 * stolen admin token is no password oracle: missing or wrong is 403
 * `invalid_credentials` (not 401: the session is fine), a throttled account 429.
 */
export async function confirmAdminPassword(
  request: FastifyRequest,
  name: AdminActionName,
  action: Omit<AdminAction, 'actorId'>,
  adminPassword: string | undefined,
): Promise<void> {
  const actor = currentUser(request)
  if (!needsAdminPassword({ ...action, actorId: actor.id })) return
  const { services } = request.server
  const user = await services.users.findById(actor.id)
  if (!user) throw new TokenRefusal('revoked_token')
  if (adminPassword === undefined) {
    throw new ApiError(403, 'invalid_credentials', 'Granting the admin role or acting on another admin needs your own password (adminPassword).')
  }
  const ok = await services.loginThrottle.guard(request.ip, user.username, () => services.passwords.verify(user.passwordHash, adminPassword), (valid) => valid)
  if (!ok) {
    await services.audit.record(request, 'login_failed', {
      userId: user.id,
      username: user.username,
      detail: { reason: 'wrong_admin_password', params: { action: name } },
    })
    throw new ApiError(403, 'invalid_credentials', 'Your password is not correct.')
  }
}
