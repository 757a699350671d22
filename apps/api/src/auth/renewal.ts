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
  | {
      kind: 'renewed'
      handle: string
      userId: number
      username: string
      roles: readonly string[]
      /** The cookie id to send back: the new one, or (within the grace window) the current one. */
      cookieId: string
      /** False when a just-retired cookie came back within the grace window. */
      rotated: boolean
    }
  | { kind: 'unknown' }
  | { kind: 'ended'; handle: string; userId: number; username: string; state: Exclude<SessionState, 'live'> }
  | { kind: 'replayed'; handle: string; userId: number; username: string }

/** Bounds the walk along successors: more rotations than this within the grace window is no race. */
const MAX_SUCCESSOR_STEPS = 8

/**
 * The current cookie id of the session a retired `cookieId` belonged to: each retired id
 * unseals the id that replaced it (the store keeps only hashes), until one is current.
 */
async function currentCookieId(sessions: SessionStore, cookieId: string): Promise<string | undefined> {
  let id = cookieId
  for (let step = 0; step < MAX_SUCCESSOR_STEPS; step++) {
    const next = (await sessions.findRetiredCookieId(id))?.successor
    if (next === undefined) return undefined
    if (await sessions.findByCookieId(next)) return next
    id = next
  }
  return undefined
}

/**
 * Decides a renewal and applies it to the store: rotates the cookie id of a live
 * session, lets a just-retired id through without rotating again (two tabs), and on a
 * replayed retired id deletes the whole session — whoever holds the newer cookie
 * (the thief or the victim) must sign in again.
 */
export async function renewSession(sessions: SessionStore, cookieId: string, now: number, idleTimeoutMs: number): Promise<RenewalOutcome> {
  const current = await sessions.findByCookieId(cookieId)
  const retired = current ? undefined : await sessions.findRetiredCookieId(cookieId)
  const handle = current?.handle ?? retired?.handle
  if (!handle) return { kind: 'unknown' }
  const view = await sessions.findLiveView(handle)
  if (!view) return { kind: 'unknown' }
  const who = { handle, userId: view.userId, username: view.username }

  if (retired && now - retired.retiredAt > RENEWAL_GRACE_MS) {
    await sessions.end(handle)
    await sessions.invalidate({ handles: [handle] })
    return { kind: 'replayed', ...who }
  }
  const state = sessionState(view, now, idleTimeoutMs)
  if (state !== 'live') {
    await sessions.end(handle)
    await sessions.invalidate({ handles: [handle] })
    return { kind: 'ended', ...who, state }
  }
  const candidate = randomBytes(24).toString('base64url')
  // A concurrent renewal may have rotated it a moment ago: then this one is the grace case.
  const rotated = current !== undefined && (await sessions.rotateCookieId(cookieId, candidate, handle, now))
  // In the grace case the client missed the rotation (a second tab, a lost response):
  // hand it the current cookie, so it catches up instead of replaying the old one later.
  const cookieIdToSend = rotated ? candidate : await currentCookieId(sessions, cookieId)
  if (cookieIdToSend === undefined) return { kind: 'unknown' }
  await sessions.touch(handle, now)
  return { kind: 'renewed', ...who, roles: view.roles, cookieId: cookieIdToSend, rotated }
}
