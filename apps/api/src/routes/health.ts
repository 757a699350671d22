import { HealthResponse } from '@tokenauth/shared'
import type { App } from '../http/app-instance.js'

/** `GET /api/health`: public liveness probe (exempt from the rate limit, see plugins/rate-limits.ts). */
export default async function healthRoutes(app: App): Promise<void> {
  app.get(
    '/health',
    { config: { auth: 'public' }, schema: { tags: ['system'], response: { 200: HealthResponse } } },
    async () => ({ status: 'ok' as const }),
  )
}
