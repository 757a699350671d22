import fp from 'fastify-plugin'
import fastifySession from '@fastify/session'
import { createFastifySessionStore } from '../store/fastify-session-store.js'
import { sessionCookieSettings } from '../auth/session-cookie.js'

/**
 * @fastify/session over the SQLite session table, for the routes that a cookie
 * authenticates (login, refresh, logout, setup). Registered inside their context only,
 * so the many token-authenticated requests never pay for a cookie-session lookup.
 * @see https://github.com/fastify/session
 */
export default fp(
  async (app) => {
    const { services } = app
    const cookie = sessionCookieSettings(services.config)
    await app.register(fastifySession, {
      secret: [...services.secrets.sessionSecrets],
      cookieName: cookie.name,
      store: createFastifySessionStore(services.sessions, services.config.maxSessionsPerUser),
      saveUninitialized: false,
      rolling: false,
      cookie: {
        path: cookie.path,
        httpOnly: cookie.httpOnly,
        sameSite: cookie.sameSite,
        secure: cookie.secure,
        maxAge: cookie.maxAgeMs,
      },
    })
  },
  { name: 'cookie-session' },
)
