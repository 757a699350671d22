import fp from 'fastify-plugin'
import underPressure from '@fastify/under-pressure'
import type { FastifyRequest } from 'fastify'
import { API_PREFIX } from '@tokenauth/shared'
import { RetryLaterError } from '../http/retry-later-error.js'

declare module 'fastify' {
  interface FastifyContextConfig {
    /** under-pressure's per-route handler: `answerEvenUnderPressure` keeps a route answering. */
    pressureHandler?: (request: FastifyRequest, reply: FastifyReply, type: string, value: number | undefined) => unknown
  }
}

/** A second of calm is enough for the sampler to see the load gone; a client waits a little longer. */
export const OVERLOAD_RETRY_AFTER_SECONDS = 5

export interface LoadSheddingOptions {
  /** Mean event-loop delay (ms) over the last sample past which `/api` answers 503; 0 never. */
  readonly maxEventLoopDelayMs: number
  /** V8 heap in use (bytes) past which the same; 0 never. */
  readonly maxHeapUsedBytes: number
}

/** For the probes and the metrics: they must answer (and say "overloaded") when the rest is shed. */
export function answerEvenUnderPressure(): undefined {
  return undefined
}

/**
 * Load shedding with @fastify/under-pressure: it samples the event-loop delay and the heap
 * once a second; past a threshold every `/api` request is answered at once with 503
 * `service_unavailable` and `Retry-After`, before any token check, rate-limit count or
 * handler, so the requests already running can finish. The SPA's files, the health probes
 * and the metrics still answer. Registered after the request id, security and CORS hooks
 * (the 503 carries their headers) and before the rate limit and token-auth.
 * @see https://github.com/fastify/under-pressure
 */
export default fp<LoadSheddingOptions>(
  async (app, options) => {
    await app.register(underPressure, {
      maxEventLoopDelay: options.maxEventLoopDelayMs,
      maxHeapUsedBytes: options.maxHeapUsedBytes,
      pressureHandler: shed,
    })
  },
  { name: 'load-shedding' },
)

/**
 * `undefined` lets the request through; a rejection is the request's error, answered by
 * the one error handler (503 in the error shape, `Retry-After` from the retry-after hook).
 */
function shed(request: FastifyRequest): Promise<void> | undefined {
  const url = request.url
  if (url !== API_PREFIX && !url.startsWith(`${API_PREFIX}/`) && !url.startsWith(`${API_PREFIX}?`)) return undefined
  return Promise.reject(new RetryLaterError(503, 'service_unavailable', OVERLOAD_RETRY_AFTER_SECONDS, 'The server is overloaded. Try again shortly.'))
}
