import fp from 'fastify-plugin'
import underPressure from '@fastify/under-pressure'
import type { FastifyReply, FastifyRequest } from 'fastify'
import { API_PREFIX, type ErrorBody } from '@tokenauth/shared'
import { errorBody } from '../http/api-error.js'

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

/** under-pressure sends what this returns; `undefined` lets the request through. */
function shed(request: FastifyRequest, reply: FastifyReply): ErrorBody | undefined {
  const url = request.url
  if (url !== API_PREFIX && !url.startsWith(`${API_PREFIX}/`) && !url.startsWith(`${API_PREFIX}?`)) return undefined
  void reply.code(503).header('retry-after', String(OVERLOAD_RETRY_AFTER_SECONDS))
  return errorBody('service_unavailable', 'The server is overloaded. Try again shortly.')
}
