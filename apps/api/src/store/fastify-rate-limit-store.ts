import type { FastifyRateLimitStore, FastifyRateLimitStoreCtor } from '@fastify/rate-limit'
import type { Clock } from '../clock.js'
import type { RateLimitStore } from './rate-limit-store.js'

/**
 * @fastify/rate-limit's store interface (a class it instantiates itself) over our
 * `RateLimitStore`, so the plugin's counters live wherever ours do. Each limit created
 * from the plugin (`child`) counts under its own key prefix.
 * @see https://github.com/fastify/fastify-rate-limit#custom-store
 */
export function fastifyRateLimitStore(store: RateLimitStore, clock: Clock, namespace = 'rate'): FastifyRateLimitStoreCtor {
  class SharedCounterStore implements FastifyRateLimitStore {
    readonly #prefix: string

    constructor(_options: unknown, prefix = namespace) {
      this.#prefix = prefix
    }

    incr(key: string, callback: (error: Error | null, result?: { current: number; ttl: number }) => void, timeWindow: number): void {
      store.increment(`${this.#prefix}:${key}`, timeWindow, 'fixed').then(
        (counter) => callback(null, { current: counter.count, ttl: Math.max(0, counter.expiresAt - clock()) }),
        (error: unknown) => callback(error instanceof Error ? error : new Error(String(error))),
      )
    }

    /** `routeInfo` is the route of a per-route limit; `{}` for one made with `app.rateLimit()`. */
    child(routeOptions: object): FastifyRateLimitStore {
      const route = (routeOptions as { routeInfo?: { method?: unknown; url?: unknown } }).routeInfo ?? {}
      return new SharedCounterStore(undefined, `${this.#prefix}:${String(route.method ?? '')}${String(route.url ?? '')}`)
    }
  }
  return SharedCounterStore
}
