import type { LiveSessionView } from '../store/session-store.js'

/** Why a stored session no longer authenticates anyone, or `live`. */
export type SessionState = 'live' | 'idle_timeout' | 'absolute_timeout' | 'user_disabled'

/** The one place that decides whether a session still counts, given the time now. */
export function sessionState(session: Pick<LiveSessionView, 'disabled' | 'absoluteExpiresAt' | 'lastSeenAt'>, now: number, idleTimeoutMs: number): SessionState {
  if (session.disabled) return 'user_disabled'
  if (now >= session.absoluteExpiresAt) return 'absolute_timeout'
  if (now - session.lastSeenAt >= idleTimeoutMs) return 'idle_timeout'
  return 'live'
}
