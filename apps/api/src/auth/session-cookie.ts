import type { FastifyReply, FastifyRequest } from 'fastify'
import { SESSION_COOKIE, SESSION_COOKIE_PRODUCTION } from '@tokenauth/shared'
import type { Config } from '../config/config.js'
import type { SessionAuth } from '../store/fastify-session-store.js'

/**
 * Everything about the HttpOnly session cookie: its name and attributes, and the four
 * things done with it — issue (login, setup), rotate (refresh), read (refresh) and clear
 * (logout). @fastify/session issues and destroys it (`plugins/cookie-session.ts` gives it
 * these attributes); rotation and reading happen outside it, because its `onSend` would
 * clear a cookie it cannot find in the store (a just-retired one, see `auth/renewal.ts`).
 * Both sign with the session secrets through @fastify/cookie, so the cookies are the same.
 */

/** Name, path and attributes of the session cookie for this environment. */
export function sessionCookieSettings(config: Pick<Config, 'env' | 'sessionAbsoluteTimeoutSeconds'>) {
  const production = config.env === 'production'
  return {
    // `__Host-` makes browsers refuse the cookie unless Secure, Path=/ and no Domain.
    name: production ? SESSION_COOKIE_PRODUCTION : SESSION_COOKIE,
    path: production ? '/' : '/api',
    httpOnly: true,
    sameSite: 'lax',
    secure: production,
    maxAgeMs: config.sessionAbsoluteTimeoutSeconds * 1000,
  } as const
}

type Settings = ReturnType<typeof sessionCookieSettings>

const attributesOf = (settings: Settings) =>
  ({ path: settings.path, httpOnly: settings.httpOnly, sameSite: settings.sameSite, secure: settings.secure }) as const

/**
 * Issues a new session cookie for `auth` through @fastify/session: the id is regenerated
 * first (a session id planted before sign-in is worthless after it), and the cookie
 * lives exactly as long as the session may.
 */
export async function issueSessionCookie(request: FastifyRequest, auth: SessionAuth): Promise<void> {
  await request.session.regenerate()
  request.session.cookie.maxAge = auth.absoluteExpiresAt - auth.createdAt
  request.session.set('auth', auth)
  await request.session.save()
}

/** The cookie id the request's session cookie carries when its signature is good; else why not. */
export function readSessionCookieId(request: FastifyRequest, settings: Settings): string | 'absent' | 'invalid' {
  const raw = request.cookies[settings.name]
  if (!raw) return 'absent'
  const unsigned = request.unsignCookie(raw)
  return unsigned.valid && unsigned.value ? unsigned.value : 'invalid'
}

/** Sets the renewed cookie id, signed, until the session's absolute end. */
export function rotateSessionCookie(reply: FastifyReply, settings: Settings, cookieId: string, absoluteExpiresAt: number, now: number): void {
  reply.setCookie(settings.name, reply.signCookie(cookieId), {
    ...attributesOf(settings),
    maxAge: Math.max(1, Math.floor((absoluteExpiresAt - now) / 1000)),
  })
}

/** Ends the cookie's session in @fastify/session (when it found one) and clears the cookie in the browser. */
export async function clearSessionCookie(request: FastifyRequest, reply: FastifyReply, settings: Settings): Promise<void> {
  if (request.session.get('auth')) await request.session.destroy()
  reply.clearCookie(settings.name, attributesOf(settings))
}
