import { prometheusContentType } from 'prom-client'
import type { App } from '../http/app-instance.js'
import { ApiError } from '../http/api-error.js'
import { errorResponses } from '../http/schemas.js'
import { answerEvenUnderPressure } from '../plugins/load-shedding.js'
import { createMetricsTokenCheck } from './metrics-token.js'

export interface MetricsRouteOptions {
  /** `METRICS_TOKEN`. */
  readonly token: string
  /** The Prometheus text of the whole process (every worker thread under `WORKERS=N`). */
  readonly scrape: () => Promise<string>
}

/**
 * `GET /api/metrics`, when `METRICS_TOKEN` is set and `METRICS_PORT` is not: the scrape
 * behind a Bearer token of its own. To token-auth the route is `public`, since its tokens
 * are not access tokens; the handler checks the metrics token and refuses with 401.
 */
export default async function metricsRoute(app: App, options: MetricsRouteOptions): Promise<void> {
  const authorized = createMetricsTokenCheck(options.token)
  app.get(
    '/metrics',
    {
      config: { auth: 'public', pressureHandler: answerEvenUnderPressure },
      schema: {
        tags: ['system'],
        summary: 'Prometheus metrics (`Authorization: Bearer <METRICS_TOKEN>`)',
        response: { 200: { type: 'string' }, ...errorResponses(401) },
      },
    },
    async (request, reply) => {
      const authorization = request.headers.authorization
      if (!authorized(authorization)) {
        void reply.header('www-authenticate', 'Bearer realm="metrics"')
        throw new ApiError(401, authorization === undefined ? 'missing_token' : 'invalid_token')
      }
      const text = await options.scrape()
      return reply.type(prometheusContentType).send(text)
    },
  )
}
