import type { FastifyRequest } from 'fastify'
import type { AuthFailureCode } from '@tokenauth/shared'
import type { TokenFailure, VerifyResult } from '@tokenauth/signer'
import type { TokenAuthPrincipal, VerifyTokenResult } from '@tokenauth/fastify-token-auth'
import type { Clock } from '../clock.js'
import type { SessionStore } from '../store/session-store.js'
import type { AccessTokenSigner } from './access-tokens.js'
import type { AuditLog } from './audit.js'
import { sessionState } from './session-liveness.js'

const CODE_FOR_FAILURE: Readonly<Record<TokenFailure, AuthFailureCode>> = {
  malformed: 'malformed_token',
  bad_signature: 'invalid_token',
  bad_payload: 'invalid_token',
  wrong_audience: 'invalid_token',
  unknown_key: 'invalid_token',
  expired: 'expired_token',
}

/** `last_seen_at` is written at most this often per session: idle time is exact to a minute. */
export const TOUCH_INTERVAL_MS = 60_000

export interface VerifyAccessTokenDeps {
  readonly signer: AccessTokenSigner
  readonly sessions: SessionStore
  readonly clock: Clock
  readonly idleTimeoutMs: number
  readonly audit: AuditLog
}

type Result = VerifyTokenResult<TokenAuthPrincipal>

/** Synchronous when the signature is in the signer's cache (the common case), else a promise. */
export type VerifyAccessToken = (token: string, request: FastifyRequest) => Result | Promise<Result>

/**
 * The per-request check: the signature (cached by the signer), then the session named
 * by `sid` must exist, belong to `sub` and be live — so logout takes effect at once.
 */
export function createVerifyAccessToken(deps: VerifyAccessTokenDeps): VerifyAccessToken {
  const { signer, sessions, clock, idleTimeoutMs, audit } = deps

  function checkSession(verified: VerifyResult, token: string, request: FastifyRequest): Result {
    if (!verified.ok) {
      // A kid we do not know: a removed key still in use, or someone probing. Worth a record.
      if (verified.reason === 'unknown_key') audit.recordUnauthenticated(request, 'key_not_found', { secretRef: token })
      return { ok: false, code: CODE_FOR_FAILURE[verified.reason], detail: verified.reason }
    }
    const { sid, sub } = verified.payload
    const session = sessions.findLiveView(sid)
    if (!session || String(session.userId) !== sub) return { ok: false, code: 'revoked_token', detail: 'no_session' }
    const now = clock()
    const state = sessionState(session, now, idleTimeoutMs)
    if (state !== 'live') {
      sessions.deleteByHandle(sid)
      audit.record(request, 'session_ended', { userId: session.userId, username: session.username, secretRef: sid, detail: state })
      return { ok: false, code: 'revoked_token', detail: state }
    }
    if (now - session.lastSeenAt >= TOUCH_INTERVAL_MS) sessions.touch(sid, now)
    return {
      ok: true,
      principal: { id: session.userId, username: session.username, roles: session.roles, sessionId: sid },
    }
  }

  return function verifyAccessToken(token: string, request: FastifyRequest): Result | Promise<Result> {
    // No promise on the hot path: a token verified before answers from the cache at once.
    const cached = signer.verifyCached(token)
    if (cached !== undefined) return checkSession(cached, token, request)
    return signer.verify(token).then((verified) => checkSession(verified, token, request))
  }
}
