import type { Session } from 'fastify'
import type { SessionStore as FastifySessionStore } from '@fastify/session'
import type { SessionRecord, SessionStore } from './session-store.js'

/** What a logged-in cookie session carries; written once, at login. */
export interface SessionAuth {
  readonly handle: string
  readonly userId: number
  readonly createdAt: number
  readonly absoluteExpiresAt: number
  readonly userAgent: string | null
  readonly ip: string | null
  /** When the person last proved who they are (ms); renewal never moves it. Null for sessions from before it was kept. */
  readonly authTime: number | null
  /** How (RFC 8176 values: `pwd`, `otp`, `mfa`); null as for `authTime`. */
  readonly amr: readonly string[] | null
}

declare module 'fastify' {
  interface Session {
    auth?: SessionAuth
  }
}

/** The sessions a session's first save ended to keep its user within the cap, until taken. */
const endedByLimit = new WeakMap<Session, SessionRecord[]>()

/** The sessions that storing `session` ended (oldest first) to keep its user within `MAX_SESSIONS_PER_USER`; each is answered once. */
export function takeSessionsEndedByLimit(session: Session): SessionRecord[] {
  const ended = endedByLimit.get(session) ?? []
  endedByLimit.delete(session)
  return ended
}

/**
 * @fastify/session's store interface over the `sessions` table. Only sessions that
 * carry `auth` are persisted: an anonymous visitor never creates a row, and a session
 * deleted elsewhere (logout, revocation) is never brought back by a late save.
 * The store's promises are handed to @fastify/session's callbacks; a failure (the
 * database unreachable) reaches the callback as an error, never an unhandled rejection.
 */
export function createFastifySessionStore(sessions: SessionStore, maxPerUser = Number.POSITIVE_INFINITY): FastifySessionStore {
  return {
    get(cookieId, callback) {
      sessions.findByCookieId(cookieId).then((row) => {
        if (!row) return callback(null, null)
        const restored = {
          cookie: JSON.parse(row.cookie) as Session['cookie'],
          auth: {
            handle: row.handle,
            userId: row.userId,
            createdAt: row.createdAt,
            absoluteExpiresAt: row.absoluteExpiresAt,
            userAgent: row.userAgent,
            ip: row.ip,
            authTime: row.authTime ?? null,
            amr: row.amr ?? null,
          },
        } satisfies Session
        callback(null, restored)
      }, callback)
    },
    set(cookieId, session, callback) {
      const save = async (): Promise<void> => {
        const auth = session.auth
        if (!auth) return
        const cookie = JSON.stringify(session.cookie)
        if (await sessions.findByCookieId(cookieId)) await sessions.updateCookie(cookieId, cookie)
        else {
          const ended = await sessions.create({ cookieId, cookie, lastSeenAt: auth.createdAt, ...auth }, maxPerUser)
          if (ended.length > 0) {
            await sessions.invalidate({ handles: ended.map((record) => record.handle) })
            endedByLimit.set(session, ended)
          }
        }
      }
      save().then(() => callback(), callback)
    },
    destroy(cookieId, callback) {
      const end = async (): Promise<void> => {
        const handle = await sessions.deleteByCookieId(cookieId)
        if (handle !== undefined) await sessions.invalidate({ handles: [handle] })
      }
      end().then(() => callback(), callback)
    },
  }
}
