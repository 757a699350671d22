import fp from 'fastify-plugin'
import { API_PREFIX } from '@tokenauth/shared'
import { SPA_ROUTE, isSpaRequest } from './static-spa.js'
import fastifyRateLimit from '@fastify/rate-limit'
import { ApiError } from '../http/api-error.js'
import { fastifyRateLimitStore } from '../store/fastify-rate-limit-store.js'
import type { RateLimitStore } from '../store/rate-limit-store.js'

/**
 * Not limited: the health probe (load balancers probe it often from one address, it reads
 * nothing, and a limited probe would make a busy instance look dead) and the SPA's static
 * files (a page load fetches dozens, they read no data, and `/api` spelled another way
 * never reaches the API through them: the SPA route answers 404 for it). Every API route
 * and every unknown path is limited.
 */
const HEALTH_ROUTES: ReadonlySet<string | undefined> = new Set([`${API_PREFIX}/health`, `${API_PREFIX}/health/ready`])

/**
 * The per-IP request limit (@fastify/rate-limit) on every route but the health probe and
 * the SPA's files, over a `RateLimitStore` (`services.counters.requests`: memory, SQLite
 * shared by workers, or Redis with `REDIS_URL`; tests may pass another). Register before the token-auth plugin, so a
 * flood is counted and refused before any token is verified. The sign-in throttle is a
 * service of its own (`services.loginThrottle`, with its own store).
 * @see https://github.com/fastify/fastify-rate-limit
 */
export default fp<{ requestStore?: RateLimitStore }>(
  async (app, { requestStore }) => {
    const { config, clock } = app.services

    await app.register(fastifyRateLimit, {
      global: false,
      store: fastifyRateLimitStore(requestStore ?? app.services.counters.requests, clock),
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
  },
  { name: 'rate-limits' },
)
