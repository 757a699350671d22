import { currentUser } from '@tokenauth/fastify-token-auth'
import type { FastifyRequest } from 'fastify'
import { ApiError } from '../http/api-error.js'
import { TokenRefusal } from '../http/token-refusal.js'

/** How recent a proof adding a second factor needs (a fresh sign-in counts). */
export const RECENT_SIGN_IN_MS = 5 * 60 * 1000

/**
 * Refuses with 403 `recent_sign_in_required` unless the request's session proved who its
 * person is (signed in) within `RECENT_SIGN_IN_MS`: a token taken from an old session
 * cannot add a factor of its holder's own. 403, not 401: the session itself is fine.
 */
export async function requireRecentSignIn(request: FastifyRequest): Promise<void> {
  const { services } = request.server
  const session = await services.sessions.findByHandle(currentUser(request).sessionId)
  if (!session) throw new TokenRefusal('revoked_token')
  const authTime = session.authTime
  if (authTime === null || authTime === undefined || services.clock() - authTime > RECENT_SIGN_IN_MS) {
    throw new ApiError(403, 'recent_sign_in_required')
  }
}
