import type { App } from '../../http/app-instance.js'
import cookieSession from '../../plugins/cookie-session.js'
import csrf from '../../plugins/csrf.js'
import { loginRoute } from './login.js'
import { loginSecondFactorRoute } from './login-second-factor.js'
import { loginPasskeyRoutes } from './login-passkey.js'
import { logoutRoute } from './logout.js'
import { refreshRoute } from './refresh.js'
import { setupRoutes } from './setup.js'

/**
 * The routes a session cookie takes part in. Login, logout and setup run in a context
 * that alone loads @fastify/session; refresh rotates the cookie itself (see refresh.ts).
 */
export default async function cookieSessionRoutes(app: App): Promise<void> {
  const { services } = app
  // Before the routes: a cookie alone authenticates them, so another site's page must not send them.
  await app.register(csrf, { allowedOrigins: services.config.corsOrigins })
  await app.register(async (auth: App) => refreshRoute(auth), { prefix: '/auth' })
  await app.register(async (withSession: App) => {
    await withSession.register(cookieSession)
    await withSession.register(
      async (auth: App) => {
        loginRoute(auth)
        loginSecondFactorRoute(auth)
        loginPasskeyRoutes(auth)
        logoutRoute(auth)
      },
      { prefix: '/auth' },
    )
    setupRoutes(withSession)
  })
}
