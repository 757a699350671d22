import type { FastifyRequest } from 'fastify'
import type { SessionStore } from '../store/session-store.js'
import type { AuditLog } from './audit.js'
import type { AppMetrics } from '../metrics/app-metrics.js'
import type { SessionState } from './session-liveness.js'

/** What a token check asks to be done: the writes that follow from its verdict. */
export type SessionFollowUp =
  /** The session was used: move `last_seen_at` (at most once a minute, see `TOUCH_INTERVAL_MS`). */
  | { readonly kind: 'touch'; readonly handle: string; readonly at: number }
  /** The session is past a timeout: delete it and record why. */
  | {
      readonly kind: 'end_session'
      readonly handle: string
      readonly userId: number
      readonly username: string
      readonly state: Exclude<SessionState, 'live'>
    }
  /** A token signed with a key the server does not have: recorded, within the unauthenticated cap. */
  | { readonly kind: 'unknown_key'; readonly token: string }

/** Carries out a check's follow-up against the session store and the audit log. */
export function createApplySessionFollowUp(sessions: SessionStore, audit: AuditLog, metrics: AppMetrics) {
  return async function applySessionFollowUp(followUp: SessionFollowUp, request: FastifyRequest): Promise<void> {
    switch (followUp.kind) {
      case 'touch':
        await sessions.touch(followUp.handle, followUp.at)
        return
      case 'end_session':
        if (await sessions.end(followUp.handle)) metrics.sessionsEnded(followUp.state)
        await sessions.invalidate({ handles: [followUp.handle] })
        await audit.record(request, 'session_ended', {
          userId: followUp.userId,
          username: followUp.username,
          secretRef: followUp.handle,
          detail: { reason: followUp.state },
        })
        return
      case 'unknown_key':
        await audit.recordUnauthenticated(request, 'key_not_found', { secretRef: followUp.token })
        return
    }
  }
}
