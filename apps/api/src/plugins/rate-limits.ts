import fp from 'fastify-plugin'
import { API_PREFIX } from '@tokenauth/shared'
import { SPA_ROUTE, isSpaRequest } from './static-spa.js'
import fastifyRateLimit from '@fastify/rate-limit'
import { ApiError } from '../http/api-error.js'
import { LoginThrottle } from '../auth/login-throttle.js'
import { fastifyRateLimitStore } from '../store/fastify-rate-limit-store.js'
import type { RateLimitStore } from '../store/rate-limit-store.js'
import type { Services } from '../services.js'

/**
 * Not limited: the health probe (load balancers probe it often from one address, it reads
 * nothing, and a limited probe would make a busy instance look dead) and the SPA's static
 * files (a page load fetches dozens, they read no data, and `/api` spelled another way
 * never reaches the API through them: the SPA route answers 404 for it). Every API route
 * and every unknown path is limited.
 */
const HEALTH_ROUTES: ReadonlySet<string | undefined> = new Set([`${API_PREFIX}/health`, `${API_PREFIX}/health/ready`])

declare module 'fastify' {
  interface FastifyInstance {
    /** Growing delays for failed sign-ins, per username and per IP (see `routes/auth/login.ts`). */
    loginThrottle: LoginThrottle
  }
}

/**
 * The per-IP request limit (@fastify/rate-limit) on every route but the health probe, and
 * the login throttle, each over its own `RateLimitStore` (`services.counters`: memory, or
 * Redis with `REDIS_URL`; tests may pass others). Register before the token-auth plugin, so a flood is counted
 * and refused before any token is verified.
 * @see https://github.com/fastify/fastify-rate-limit
 */
export default fp<{ services: Services; requestStore?: RateLimitStore; loginStore?: RateLimitStore }>(
  async (app, { services, requestStore, loginStore }) => {
    const { config, clock } = services

    await app.register(fastifyRateLimit, {
      global: false,
      store: fastifyRateLimitStore(requestStore ?? services.counters.requests, clock),
      errorResponseBuilder: (_request, context) =>
        new ApiError(429, 'rate_limited', `Too many requests from your address. Try again in ${context.after}.`),
    })
    // An app-level hook, so it runs before token-auth's: a flood is counted and refused
    // before any token is verified. Which route it is comes from the router (the decoded
    // path), never from the raw URL, which can spell the same path many ways.
    app.addHook(
      'onRequest',
      app.rateLimit({
        max: config.rateLimitMax,
        timeWindow: config.rateLimitWindowSeconds * 1000,
        // The catch-all also answers unknown `/api/*` paths (with 404): those are counted.
        allowList: (request) => {
          const route = request.routeOptions.url
          return HEALTH_ROUTES.has(route) || (route === SPA_ROUTE && isSpaRequest(request.url))
        },
      }),
    )

    // A store of its own: request-limit keys (one per client address) must never push
    // sign-in failure counters out of a bounded store.
    app.decorate(
      'loginThrottle',
      new LoginThrottle(loginStore ?? services.counters.logins, clock, {
        failuresPerAccount: config.loginFailuresPerAccount,
        failuresPerIp: config.loginFailuresPerIp,
        maxDelayMs: config.loginMaxDelaySeconds * 1000,
        failureWindowMs: config.loginFailureWindowSeconds * 1000,
      }),
    )
  },
  { name: 'rate-limits' },
)
