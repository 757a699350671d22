import { HealthResponse, ReadyUnavailableResponse } from '@tokenauth/shared'
import type { App } from '../http/app-instance.js'
import { failingDependencies } from '../deps/dependency-checks.js'
import { answerEvenUnderPressure, OVERLOAD_RETRY_AFTER_SECONDS } from '../plugins/load-shedding.js'

/**
 * `GET /api/health`: public liveness probe — the process answers, overloaded or not (a
 * restart would not help). `GET /api/health/ready`: readiness — not shedding load, and
 * every dependency (the SQLite database and `DATA_DIR`, or PostgreSQL; Redis) answers; a
 * load balancer sends no traffic to an instance that answers 503. Both are exempt from the
 * rate limit (see plugins/rate-limits.ts): counting a probe in Redis would make it depend
 * on Redis twice; and from load shedding, which readiness reports instead.
 */
export default async function healthRoutes(app: App): Promise<void> {
  const { services } = app
  app.get(
    '/health',
    { config: { auth: 'public', pressureHandler: answerEvenUnderPressure }, schema: { tags: ['system'], response: { 200: HealthResponse } } },
    // Synchronous: a probe that answers without a promise or a microtask.
    (_request, reply) => {
      void reply.send({ status: 'ok' as const })
    },
  )
  app.get(
    '/health/ready',
    {
      config: { auth: 'public', pressureHandler: answerEvenUnderPressure },
      schema: { tags: ['system'], response: { 200: HealthResponse, 503: ReadyUnavailableResponse } },
    },
    async (_request, reply) => {
      void reply.header('cache-control', 'no-store')
      if (app.isUnderPressure()) {
        void reply.header('retry-after', String(OVERLOAD_RETRY_AFTER_SECONDS))
        return reply.code(503).send({ status: 'overloaded' as const })
      }
      const failing = await failingDependencies(services.dependencies)
      if (failing.length === 0) return { status: 'ok' as const }
      void reply.header('retry-after', '5')
      return reply.code(503).send({ status: 'unavailable' as const, failing })
    },
  )
}
