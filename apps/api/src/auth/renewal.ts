import { randomBytes } from 'node:crypto'
import type { SessionStore } from '../store/session-store.js'
import { sessionState, type SessionState } from './session-liveness.js'

/**
 * Two tabs renewing at the same moment both send the cookie the first renewal retires.
 * A retired cookie coming back within this window is that race; later, it is a replay.
 */
export const RENEWAL_GRACE_MS = 30_000

/** What a renewal with a given cookie id comes to. */
export type RenewalOutcome =
  | { kind: 'renewed'; handle: string; userId: number; username: string; roles: readonly string[]; newCookieId: string | null }
  | { kind: 'unknown' }
  | { kind: 'ended'; handle: string; userId: number; username: string; state: Exclude<SessionState, 'live'> }
  | { kind: 'replayed'; handle: string; userId: number; username: string }

/**
 * Decides a renewal and applies it to the store: rotates the cookie id of a live
 * session, lets a just-retired id through without rotating again (two tabs), and on a
 * replayed retired id deletes the whole session — whoever holds the newer cookie
 * (the thief or the victim) must sign in again.
 */
export function renewSession(sessions: SessionStore, cookieId: string, now: number, idleTimeoutMs: number): RenewalOutcome {
  const current = sessions.findByCookieId(cookieId)
  const retired = current ? undefined : sessions.findRetiredCookieId(cookieId)
  const handle = current?.handle ?? retired?.handle
  if (!handle) return { kind: 'unknown' }
  const view = sessions.findLiveView(handle)
  if (!view) return { kind: 'unknown' }
  const who = { handle, userId: view.userId, username: view.username }

  if (retired && now - retired.retiredAt > RENEWAL_GRACE_MS) {
    sessions.deleteByHandle(handle)
    return { kind: 'replayed', ...who }
  }
  const state = sessionState(view, now, idleTimeoutMs)
  if (state !== 'live') {
    sessions.deleteByHandle(handle)
    return { kind: 'ended', ...who, state }
  }
  let newCookieId: string | null = null
  if (current) {
    const candidate = randomBytes(24).toString('base64url')
    // A concurrent renewal may have rotated it a moment ago: then this one is the grace case.
    if (sessions.rotateCookieId(cookieId, candidate, handle, now)) newCookieId = candidate
  }
  sessions.touch(handle, now)
  return { kind: 'renewed', ...who, roles: view.roles, newCookieId }
}
