import type { App } from '../../http/app-instance.js'
import cookieSession from '../../plugins/cookie-session.js'
import csrf from '../../plugins/csrf.js'
import type { Services } from '../../services.js'
import { loginRoute } from './login.js'
import { logoutRoute } from './logout.js'
import { refreshRoute } from './refresh.js'
import { setupRoutes } from './setup.js'

/**
 * The routes a session cookie takes part in. Login, logout and setup run in a context
 * that alone loads @fastify/session; refresh rotates the cookie itself (see refresh.ts).
 */
export default async function cookieSessionRoutes(app: App, { services }: { services: Services }): Promise<void> {
  // Before the routes: a cookie alone authenticates them, so another site's page must not send them.
  await app.register(csrf, { allowedOrigins: services.config.corsOrigins })
  await app.register(async (auth: App) => refreshRoute(auth, services), { prefix: '/auth' })
  await app.register(async (withSession: App) => {
    await withSession.register(cookieSession, { services })
    await withSession.register(
      async (auth: App) => {
        loginRoute(auth, services)
        logoutRoute(auth, services)
      },
      { prefix: '/auth' },
    )
    setupRoutes(withSession, services)
  })
}
