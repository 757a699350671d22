import fp from 'fastify-plugin'
import type { FastifyRequest } from 'fastify'
import { ApiError } from '../http/api-error.js'

/** Methods that change nothing (checked: no route changes state on them). */
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS'])

/**
 * Whether a request was sent by a page of another site. In order:
 * 1. `Origin` is one of `CORS_ORIGINS`: an app of ours on another origin → not cross-site.
 * 2. `Sec-Fetch-Site` (every current browser sends it, and pages cannot forge it):
 *    `same-origin`, `none` → not. `same-site` (a sibling subdomain, which may be anyone's
 *    on a shared domain) → cross-site unless `Origin` is this server's own. Anything
 *    else (`cross-site`, an unknown value) → cross-site.
 * 3. Otherwise `Origin`, when present, must be this server's own origin (`null` is not).
 * 4. Neither header: not a browser (or one too old for both), so no ambient cookie to abuse.
 */
export function isCrossSite(request: FastifyRequest, listedOrigins: ReadonlySet<string>): boolean {
  const origin = request.headers.origin
  if (origin !== undefined && listedOrigins.has(origin)) return false
  const site = request.headers['sec-fetch-site']
  if (site === 'same-origin' || site === 'none') return false
  if (site !== undefined && site !== 'same-site') return true
  if (origin === undefined) return site === 'same-site'
  return origin !== `${request.protocol}://${request.host}`
}

/**
 * Refuses a state-changing request that another site's page sent, with 403
 * `csrf_rejected`. For the routes a cookie alone authenticates (`/api/auth/*`,
 * `/api/setup`): the `SameSite=Lax` cookie and refresh's custom header already stop
 * classic CSRF; this also covers login CSRF (signing a victim into the attacker's
 * account) and whatever cookie route comes next. Register it before the routes.
 * @see https://owasp.org/www-community/attacks/csrf
 */
export default fp<{ allowedOrigins: readonly string[] }>(
  async (app, { allowedOrigins }) => {
    const listed = new Set(allowedOrigins)
    app.addHook('onRequest', (request, _reply, done) => {
      if (SAFE_METHODS.has(request.method) || !isCrossSite(request, listed)) return done()
      request.log.warn({ origin: request.headers.origin, site: request.headers['sec-fetch-site'] }, 'cross-site request refused')
      done(new ApiError(403, 'csrf_rejected'))
    })
  },
  { name: 'csrf' },
)
