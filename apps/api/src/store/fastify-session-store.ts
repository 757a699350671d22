import type { Session } from 'fastify'
import type { SessionStore as FastifySessionStore } from '@fastify/session'
import type { SessionStore } from './session-store.js'

/** What a logged-in cookie session carries; written once, at login. */
export interface SessionAuth {
  readonly handle: string
  readonly userId: number
  readonly createdAt: number
  readonly absoluteExpiresAt: number
  readonly userAgent: string | null
  readonly ip: string | null
}

declare module 'fastify' {
  interface Session {
    auth?: SessionAuth
  }
}

/**
 * @fastify/session's store interface over the `sessions` table. Only sessions that
 * carry `auth` are persisted: an anonymous visitor never creates a row, and a session
 * deleted elsewhere (logout, revocation) is never brought back by a late save.
 */
export function createFastifySessionStore(sessions: SessionStore): FastifySessionStore {
  return {
    get(cookieId, callback) {
      try {
        const row = sessions.findByCookieId(cookieId)
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
          },
        } satisfies Session
        callback(null, restored)
      } catch (error) {
        callback(error)
      }
    },
    set(cookieId, session, callback) {
      try {
        const auth = session.auth
        if (auth) {
          const cookie = JSON.stringify(session.cookie)
          if (sessions.findByCookieId(cookieId)) sessions.updateCookie(cookieId, cookie)
          else sessions.create({ cookieId, cookie, lastSeenAt: auth.createdAt, ...auth })
        }
        callback()
      } catch (error) {
        callback(error)
      }
    },
    destroy(cookieId, callback) {
      try {
        sessions.deleteByCookieId(cookieId)
        callback()
      } catch (error) {
        callback(error)
      }
    },
  }
}
