import fp from 'fastify-plugin'
import fastifySession from '@fastify/session'
import { SESSION_COOKIE, SESSION_COOKIE_PRODUCTION } from '@tokenauth/shared'
import { createFastifySessionStore } from '../store/fastify-session-store.js'
import type { Services } from '../services.js'

/** Name, path and attributes of the session cookie for this environment. */
export function sessionCookieSettings(services: Services) {
  const production = services.config.env === 'production'
  return {
    // `__Host-` makes browsers refuse the cookie unless Secure, Path=/ and no Domain.
    name: production ? SESSION_COOKIE_PRODUCTION : SESSION_COOKIE,
    path: production ? '/' : '/api',
    secure: production,
    maxAgeMs: services.config.sessionAbsoluteTimeoutSeconds * 1000,
  } as const
}

/**
 * @fastify/session over the SQLite session table, for the routes that a cookie
 * authenticates (login, refresh, logout, setup). Registered inside their context only,
 * so the many token-authenticated requests never pay for a cookie-session lookup.
 * @see https://github.com/fastify/session
 */
export default fp<{ services: Services }>(
  async (app, { services }) => {
    const cookie = sessionCookieSettings(services)
    await app.register(fastifySession, {
      secret: [...services.secrets.sessionSecrets],
      cookieName: cookie.name,
      store: createFastifySessionStore(services.sessions),
      saveUninitialized: false,
      rolling: false,
      cookie: {
        path: cookie.path,
        httpOnly: true,
        sameSite: 'lax',
        secure: cookie.secure,
        maxAge: cookie.maxAgeMs,
      },
    })
  },
  { name: 'cookie-session' },
)
