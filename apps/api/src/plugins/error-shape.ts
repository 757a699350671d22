import fp from 'fastify-plugin'
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify'
import type { ErrorCode } from '@tokenauth/shared'
import { ApiError, errorBody } from '../http/api-error.js'
import { DependencyUnavailableError } from '../http/unavailable-error.js'
import { TokenRefusal } from '../http/token-refusal.js'
import { noMetrics, type AppMetrics } from '../metrics/app-metrics.js'
import { storeEngineOf } from '../metrics/store-errors.js'

const CODE_FOR_STATUS: Readonly<Record<number, ErrorCode>> = {
  400: 'bad_request',
  404: 'not_found',
  405: 'method_not_allowed',
  409: 'conflict',
  413: 'payload_too_large',
  415: 'unsupported_media_type',
  429: 'rate_limited',
  503: 'service_unavailable',
}

/**
 * The one place errors get their wire shape `{ error: { code, message } }`: thrown
 * `ApiError`s, Fastify's own 4xx (validation, body parsing, limits) and everything
 * unexpected, which becomes a 500 whose details stay in the log.
 * @see https://fastify.dev/docs/latest/Reference/Server/#seterrorhandler
 */
export default fp<{ metrics?: AppMetrics }>(
  async (app, { metrics = noMetrics }) => {
    app.setErrorHandler((error: FastifyError | ApiError | TokenRefusal, request, reply) => {
      const engine = storeEngineOf(error)
      if (engine !== undefined) metrics.storeError(engine)
      if (error instanceof ApiError && (error.statusCode === 401 || error.statusCode === 403)) metrics.authRefused(error.code)
      if (error instanceof DependencyUnavailableError) {
        request.log.warn({ dependency: error.dependency, err: error.cause }, 'dependency unreachable')
      }
      if (error instanceof TokenRefusal) {
        metrics.authRefused(error.code)
        return reply.refuseToken(error.code)
      }
      if (error instanceof ApiError) {
        return reply.code(error.statusCode).send(errorBody(error.code, error.message))
      }
      const status = typeof error.statusCode === 'number' ? error.statusCode : 500
      if (status >= 400 && status < 500) {
        request.log.info({ code: error.code, message: error.message }, 'client error')
        const code = CODE_FOR_STATUS[status] ?? 'bad_request'
        const message = error.validation ? `Invalid request: ${error.message}` : clientMessage(error, code)
        return reply.code(CODE_FOR_STATUS[status] ? status : 400).send(errorBody(code, message))
      }
      request.log.error({ err: error }, 'request failed')
      const code = status === 503 ? 'service_unavailable' : 'internal_error'
      return reply.code(status === 503 ? 503 : 500).send(errorBody(code))
    })

  },
  { name: 'error-shape' },
)

/** Fastify's own messages for body and header problems are safe and helpful; keep them. */
function clientMessage(error: FastifyError, code: ErrorCode): string {
  return typeof error.code === 'string' && error.code.startsWith('FST_') ? error.message : errorBody(code).error.message
}

/** Unknown paths: 404 in the one error shape (registered in app.ts, behind the rate limit). */
export function notFoundHandler(request: FastifyRequest, reply: FastifyReply): void {
  void reply.code(404).header('cache-control', 'no-store').send(errorBody('not_found', `No route for ${request.method} ${request.url.split('?', 1)[0]?.slice(0, 200)}`))
}
