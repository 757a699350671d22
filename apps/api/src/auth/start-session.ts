import { randomBytes } from 'node:crypto'
import type { FastifyRequest } from 'fastify'
import type { LoginResponse } from '@tokenauth/shared'
import type { TokenClaims } from '@tokenauth/signer'
import type { Services } from '../services.js'
import { toPublicUser } from './principal.js'
import { restrictionOf } from './verify-access-token.js'
import { storedUserAgent } from './user-agent.js'
import { issueSessionCookie } from './session-cookie.js'
import { takeSessionsEndedByLimit } from '../store/fastify-session-store.js'

/**
 * Starts a server session for `user` on this request and signs its first access token.
 * The cookie session id is regenerated (the old session is destroyed), so a session id
 * planted before login is worthless after it. `remember` ("keep me signed in on this
 * device") gives the session and its cookie `REMEMBER_ME_TIMEOUT` instead of
 * `SESSION_ABSOLUTE_TIMEOUT`; the idle timeout is the same for both. `amr` says how the
 * person proved who they are (RFC 8176: `pwd`, or `pwd otp mfa` after a second factor);
 * the session keeps it with the time, for step-up to judge later.
 * Past `MAX_SESSIONS_PER_USER` the user's least recently used sessions end as it is stored.
 */
export async function startSession(
  services: Services,
  request: FastifyRequest,
  user: { id: number; username: string; roles: readonly string[] },
  { remember = false, amr = ['pwd'] }: { remember?: boolean; amr?: readonly string[] } = {},
): Promise<LoginResponse> {
  const now = services.clock()
  const { sessionAbsoluteTimeoutSeconds, rememberMeTimeoutSeconds } = services.config
  const lifetimeSeconds = remember && rememberMeTimeoutSeconds > 0 ? rememberMeTimeoutSeconds : sessionAbsoluteTimeoutSeconds
  const handle = randomBytes(18).toString('base64url')
  await issueSessionCookie(request, {
    handle,
    userId: user.id,
    createdAt: now,
    absoluteExpiresAt: now + lifetimeSeconds * 1000,
    userAgent: storedUserAgent(request),
    ip: request.ip,
    authTime: now,
    amr,
  })
  services.metrics.sessionStarted()
  // Stored with the new session, in its transaction; audited within the account's cap.
  for (const ended of takeSessionsEndedByLimit(request.session)) {
    await services.audit.record(request, 'session_ended', { userId: user.id, username: user.username, secretRef: ended.handle, detail: { reason: 'session_limit' } })
  }
  return issueAccessToken(services, user, handle, { authTime: now, amr })
}

/** When and how the session's person last proved who they are, as the session stores it (ms). */
export interface SessionAuthentication {
  readonly authTime?: number | null
  readonly amr?: readonly string[] | null
}

/**
 * Signs an access token for a session that exists, carrying the session's `auth_time`
 * (seconds) and `amr` (RFC 9470, RFC 8176): what step-up rules judge. A session that
 * does not know them (older than step-up) gets neither, so every step-up rule asks again.
 */
export async function issueAccessToken(
  services: Services,
  user: { id: number; username: string; roles: readonly string[] },
  handle: string,
  authentication: SessionAuthentication,
): Promise<LoginResponse> {
  const { authTime, amr } = authentication
  const claims: TokenClaims = { sub: String(user.id), sid: handle }
  if (authTime != null && amr != null) {
    claims.auth_time = Math.floor(authTime / 1000)
    claims.amr = [...amr]
  }
  const { token, expiresAt } = await services.accessTokens.sign(claims)
  const answer: LoginResponse = { token, tokenType: 'Bearer', expiresAt: expiresAt.toISOString(), user: toPublicUser(user) }
  // Only for the client to know where to send the person: every request judges it again.
  const state = await services.users.restrictionState(user.id)
  const restriction = state && restrictionOf(state, services.config.mfaRequired)
  return restriction === undefined ? answer : { ...answer, restriction }
}
