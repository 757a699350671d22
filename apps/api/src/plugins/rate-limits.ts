import fp from 'fastify-plugin'
import type { FastifyReply, FastifyRequest, HookHandlerDoneFunction, RouteOptions } from 'fastify'
import { API_PREFIX } from '@tokenauth/shared'
import { SPA_ROUTE, isSpaRequest } from './static-spa.js'
import { ApiError } from '../http/api-error.js'
import { clientAddress } from '../http/client-address.js'
import { durationWords } from '../http/duration-words.js'
import type { RateCounter, RateLimitStore } from '../store/rate-limit-store.js'

/**
 * Not limited: the health probe (load balancers probe it often from one address, it reads
 * nothing, and a limited probe would make a busy instance look dead) and the SPA's static
 * files (a page load fetches dozens, they read no data, and `/api` spelled another way
 * never reaches the API through them: the SPA route answers 404 for it), and the metrics
 * scrape (`METRICS_TOKEN`: a long secret of its own, scraped from one address, and needed
 * most while Redis, which counts the limit, is down). Every other API route and every
 * unknown path is limited.
 */
const UNLIMITED_ROUTES: ReadonlySet<string> = new Set([`${API_PREFIX}/health`, `${API_PREFIX}/health/ready`, `${API_PREFIX}/metrics`])

/**
 * The counters' keys are `rate::<address>`. Counters in a shared Redis or SQLite file are
 * found by this spelling: changing it restarts every client's count at the next deploy.
 */
const KEY_PREFIX = 'rate::'

/** How a route is limited, decided once when it is added (never from the raw URL). */
const LIMITED = 0
const EXEMPT = 1
/** The SPA's catch-all: exempt for the SPA's files, limited for anything it answers 404. */
const SPA = 2
type RouteLimit = typeof LIMITED | typeof EXEMPT | typeof SPA

const kRouteLimit = Symbol('tokenauth.routeLimit')
interface WithRouteLimit {
  readonly [kRouteLimit]?: RouteLimit
}
/** Set once a request is counted: a request is counted once, whatever hook runs again. */
const kCounted = Symbol('tokenauth.requestCounted')
interface WithCounted {
  [kCounted]?: boolean
}

/**
 * The per-IP request limit: a fixed window of `RATE_LIMIT_WINDOW` per client address (an
 * IPv6 client by its /64: see `clientAddress`), `RATE_LIMIT_MAX` requests in it,
 * counted on every request to every route but the health probe and the SPA's files, over
 * a `RateLimitStore` (`services.counters.requests`: this process's memory; the memory the
 * worker threads share with `WORKERS`; Redis with `REDIS_URL`; tests may pass another).
 * The sign-in throttle is a service of its own (`services.loginThrottle`, with its own
 * store).
 *
 * One synchronous hook: a store that answers at once (memory, SQLite) costs no promise, a
 * remote one (Redis) is awaited. Past the limit: 429 in the error shape with `Retry-After`
 * and the `x-ratelimit-*` headers. A request within the limit gets no rate-limit headers:
 * they are optional (the IETF RateLimit fields are a draft), the SPA reads none of them
 * (nor could it cross-origin: they are not exposed by CORS), and three headers on every
 * answer cost every answer.
 *
 * Register before the token-auth plugin, so a flood is counted and refused before any
 * token is verified.
 */
export default fp<{ requestStore?: RateLimitStore }>(
  async (app, { requestStore }) => {
    const { config } = app.services
    const store = requestStore ?? app.services.counters.requests
    const max = config.rateLimitMax
    const windowMs = config.rateLimitWindowSeconds * 1000

    // The key of the address seen last: consecutive requests of one client (a keep-alive
    // connection) reuse the same key string, whose hash V8 then has already computed.
    let lastIp = ''
    let lastKey = ''
    function keyOf(ip: string): string {
      if (ip !== lastIp) {
        lastKey = KEY_PREFIX + clientAddress(ip)
        lastIp = ip
      }
      return lastKey
    }

    app.decorateRequest(kCounted, false)
    app.addHook('onRoute', (route) => {
      route.config = { ...route.config, [kRouteLimit]: routeLimit(route) } as RouteOptions['config']
    })

    /** Past the limit: the headers of the answer, and the error the error handler shapes. */
    function refuse(counter: RateCounter, reply: FastifyReply, done: HookHandlerDoneFunction): void {
      const seconds = Math.max(0, Math.ceil((counter.expiresAt - app.services.clock()) / 1000))
      reply.header('x-ratelimit-limit', max)
      reply.header('x-ratelimit-remaining', 0)
      reply.header('x-ratelimit-reset', seconds)
      reply.header('retry-after', seconds)
      done(new ApiError(429, 'rate_limited', `Too many requests from your address. Try again in ${durationWords(seconds)}.`))
    }

    app.addHook('onRequest', function limitRequests(request: FastifyRequest, reply: FastifyReply, done: HookHandlerDoneFunction) {
      const limit = (request.routeOptions.config as WithRouteLimit)[kRouteLimit]
      if (limit === EXEMPT || (limit === SPA && isSpaRequest(request.url)) || (request as WithCounted)[kCounted]) return done()
      ;(request as WithCounted)[kCounted] = true
      const key = keyOf(request.ip)
      if (store.incrementNow !== undefined) {
        let counter: RateCounter
        try {
          counter = store.incrementNow(key, windowMs, 'fixed')
        } catch (error) {
          return done(error as Error)
        }
        return counter.count > max ? refuse(counter, reply, done) : done()
      }
      store.increment(key, windowMs, 'fixed').then(
        (counter) => (counter.count > max ? refuse(counter, reply, done) : done()),
        (error: unknown) => done(error instanceof Error ? error : new Error(String(error))),
      )
    })
  },
  { name: 'rate-limits' },
)

function routeLimit(route: RouteOptions): RouteLimit {
  if (UNLIMITED_ROUTES.has(route.url)) return EXEMPT
  return route.url === SPA_ROUTE ? SPA : LIMITED
}
