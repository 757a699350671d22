import fp from 'fastify-plugin'
import fastifyRateLimit from '@fastify/rate-limit'
import type { FastifyRequest } from 'fastify'
import { API_PREFIX } from '@tokenauth/shared'
import { ApiError } from '../http/api-error.js'
import { LoginThrottle } from '../auth/login-throttle.js'
import { fastifyRateLimitStore } from '../store/fastify-rate-limit-store.js'
import { MemoryRateLimitStore, type RateLimitStore } from '../store/rate-limit-store.js'
import type { Services } from '../services.js'

declare module 'fastify' {
  interface FastifyInstance {
    /** Growing delays for failed sign-ins, per username and per IP (see `routes/auth/login.ts`). */
    loginThrottle: LoginThrottle
  }
}

/**
 * Not limited: load balancers and orchestrators probe it often from one address, it
 * reads nothing, and a limited probe would make a busy instance look dead.
 */
const EXEMPT_ROUTE = `${API_PREFIX}/health`

/**
 * The per-IP request limit on `/api/*` (@fastify/rate-limit) and the login throttle, over
 * one counter store: in memory by default, any `RateLimitStore` (Redis, for several
 * instances) when given. Register before the token-auth plugin, so a flood is counted
 * and refused before any token is verified.
 * @see https://github.com/fastify/fastify-rate-limit
 */
export default fp<{ services: Services; store?: RateLimitStore }>(
  async (app, { services, store: givenStore }) => {
    const { config, clock } = services
    const store = givenStore ?? new MemoryRateLimitStore(clock)

    await app.register(fastifyRateLimit, {
      global: false,
      store: fastifyRateLimitStore(store, clock),
      errorResponseBuilder: (_request, context) =>
        new ApiError(429, 'rate_limited', `Too many requests from your address. Try again in ${context.after}.`),
    })
    app.addHook(
      'onRequest',
      app.rateLimit({
        max: config.rateLimitMax,
        timeWindow: config.rateLimitWindowSeconds * 1000,
        allowList: (request) => !isLimited(request),
      }),
    )

    app.decorate(
      'loginThrottle',
      new LoginThrottle(store, clock, {
        failuresPerAccount: config.loginFailuresPerAccount,
        failuresPerIp: config.loginFailuresPerIp,
        maxDelayMs: config.loginMaxDelaySeconds * 1000,
        failureWindowMs: config.loginFailureWindowSeconds * 1000,
      }),
    )
  },
  { name: 'rate-limits' },
)

/** Every `/api` request, unknown paths included (they are how URLs get guessed), but the health probe. */
function isLimited(request: FastifyRequest): boolean {
  if (request.routeOptions.url === EXEMPT_ROUTE) return false
  const path = request.url.split('?', 1)[0] ?? ''
  return path === API_PREFIX || path.startsWith(`${API_PREFIX}/`)
}
