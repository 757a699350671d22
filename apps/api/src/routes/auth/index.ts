import type { App } from '../../http/app-instance.js'
import cookieSession from '../../plugins/cookie-session.js'
import type { Services } from '../../services.js'
import { loginRoute } from './login.js'
import { logoutRoute } from './logout.js'
import { refreshRoute } from './refresh.js'
import { setupRoutes } from './setup.js'

/**
 * The routes a session cookie takes part in, in one context that alone loads
 * @fastify/session: `/api/auth/{login,logout,refresh}` and `/api/setup`.
 */
export default async function cookieSessionRoutes(app: App, { services }: { services: Services }): Promise<void> {
  await app.register(cookieSession, { services })
  await app.register(async (auth: App) => {
    loginRoute(auth, services)
    logoutRoute(auth, services)
    refreshRoute(auth, services)
  }, { prefix: '/auth' })
  setupRoutes(app, services)
}
