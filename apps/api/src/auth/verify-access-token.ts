import type { FastifyRequest } from 'fastify'
import type { AuthFailureCode, Restriction } from '@tokenauth/shared'
import type { TokenFailure, TokenPayload, VerifyResult } from '@tokenauth/signer'
import type { TokenAuthPrincipal, VerifyTokenResult } from '@tokenauth/fastify-token-auth'
import type { Clock } from '../clock.js'
import type { MfaPolicy } from '../config/config.js'
import type { LiveSessionView } from '../store/session-store.js'
import type { AccessTokenSigner } from './access-tokens.js'
import { sessionState } from './session-liveness.js'
import type { SessionFollowUp } from './session-follow-up.js'

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

type Result = VerifyTokenResult<TokenAuthPrincipal>

/** The verdict on a token, and what the store and the audit log should do about it. */
export interface AccessCheck {
  readonly result: Result
  readonly followUp?: SessionFollowUp
  /** A live session: when it ends for inactivity, counting this request (ms since the epoch). */
  readonly idleEndsAt?: number
}

export interface CheckAccessTokenDeps {
  readonly signer: AccessTokenSigner
  /**
   * Reads the session and its user (one indexed read); the check writes nothing. A value
   * when the store answers at once (SQLite's cache), else a promise (PostgreSQL).
   */
  readonly findSession: (handle: string) => LiveSessionView | undefined | Promise<LiveSessionView | undefined>
  readonly clock: Clock
  readonly idleTimeoutMs: number
  /** `MFA_REQUIRED`: whose accounts without a second factor are restricted to enrolling one. */
  readonly mfaRequired: MfaPolicy
}

/** Synchronous when the signature is in the signer's cache (the common case), else a promise. */
export type CheckAccessToken = (token: string) => AccessCheck | Promise<AccessCheck>

/**
 * The per-request check, and only a check: the signature (cached by the signer), then
 * the session named by `sid` must exist, belong to `sub` and be live — so logout takes
 * effect at once. What follows from the verdict (touching `last_seen_at`, deleting an
 * expired session, recording events) is returned as a `followUp` for
 * `applySessionFollowUp` to carry out.
 */
export function createCheckAccessToken(deps: CheckAccessTokenDeps): CheckAccessToken {
  const { signer, findSession, clock, idleTimeoutMs, mfaRequired } = deps

  function checkSession(verified: VerifyResult, token: string): AccessCheck | Promise<AccessCheck> {
    if (!verified.ok) {
      const result: Result = { ok: false, code: CODE_FOR_FAILURE[verified.reason], detail: verified.reason }
      // A kid we do not know: a removed key still in use, or someone probing. Worth a record.
      return verified.reason === 'unknown_key' ? { result, followUp: { kind: 'unknown_key', token } } : { result }
    }
    const { sid, sub } = verified.payload
    const proof = authenticationOf(verified.payload)
    const found = findSession(sid)
    return found instanceof Promise ? found.then((session) => judge(session, sid, sub, proof)) : judge(found, sid, sub, proof)
  }

  function judge(session: LiveSessionView | undefined, sid: string, sub: string, proof: TokenAuthentication): AccessCheck {
    if (!session || String(session.userId) !== sub) return { result: { ok: false, code: 'revoked_token', detail: 'no_session' } }
    const now = clock()
    const state = sessionState(session, now, idleTimeoutMs)
    if (state !== 'live') {
      return {
        result: { ok: false, code: 'revoked_token', detail: state },
        followUp: { kind: 'end_session', handle: sid, userId: session.userId, username: session.username, state },
      }
    }
    const touch = now - session.lastSeenAt >= TOUCH_INTERVAL_MS
    return {
      result: {
        ok: true,
        principal: {
          id: session.userId,
          username: session.username,
          roles: session.roles,
          sessionId: sid,
          ...proof,
          restriction: restrictionOf(session, mfaRequired),
        },
      },
      // The idle clock restarts only when the touch is written, so it is that, not "now + timeout".
      idleEndsAt: (touch ? now : session.lastSeenAt) + idleTimeoutMs,
      ...(touch ? { followUp: { kind: 'touch', handle: sid, at: now } as const } : {}),
    }
  }

  return function checkAccessToken(token: string): AccessCheck | Promise<AccessCheck> {
    // No promise on the hot path: a token verified before answers from the cache at once.
    const cached = signer.verifyCached(token)
    if (cached !== undefined) return checkSession(cached, token)
    return signer.verify(token).then((verified) => checkSession(verified, token))
  }
}

/**
 * The restriction the account's state puts on its sessions, read on every request from
 * the same session read (so nothing a client sends, and no token claim, can lift it). A
 * password to change comes first: enrolling needs a step-up, and the new password is it.
 */
export function restrictionOf(session: Pick<LiveSessionView, 'mustChangePassword' | 'hasSecondFactor' | 'roles'>, mfaRequired: MfaPolicy): Restriction | undefined {
  if (session.mustChangePassword) return 'password_change_required'
  if (session.hasSecondFactor || mfaRequired === 'none') return undefined
  if (mfaRequired === 'everyone' || session.roles.includes('admin')) return 'second_factor_enrolment_required'
  return undefined
}

interface TokenAuthentication {
  readonly authTime: number | undefined
  readonly amr: readonly string[]
}

const NO_PROOF: TokenAuthentication = Object.freeze({ authTime: undefined, amr: Object.freeze([]) })

/** The token's `auth_time` and `amr`, when well formed; else none (every step-up rule then asks again). */
function authenticationOf(payload: TokenPayload): TokenAuthentication {
  const { auth_time: authTime, amr } = payload
  if (typeof authTime !== 'number' || !Number.isFinite(authTime) || !Array.isArray(amr)) return NO_PROOF
  const methods: unknown[] = amr
  return methods.every((method): method is string => typeof method === 'string') ? { authTime, amr: methods } : NO_PROOF
}

/** The plugin's `verifyToken`: the check, then its follow-up, then the verdict. */
export type VerifyAccessToken = (token: string, request: FastifyRequest) => Result | Promise<Result>

export function createVerifyAccessToken(
  check: CheckAccessToken,
  applyFollowUp: (followUp: SessionFollowUp, request: FastifyRequest) => void | Promise<void>,
): VerifyAccessToken {
  const settle = (checked: AccessCheck, request: FastifyRequest): Result | Promise<Result> => {
    if (checked.idleEndsAt !== undefined) request.sessionIdleEndsAt = checked.idleEndsAt
    if (!checked.followUp) return checked.result
    const applied = applyFollowUp(checked.followUp, request)
    return applied instanceof Promise ? applied.then(() => checked.result) : checked.result
  }
  return function verifyAccessToken(token, request) {
    const checked = check(token)
    return checked instanceof Promise ? checked.then((done) => settle(done, request)) : settle(checked, request)
  }
}
