import fp from 'fastify-plugin'
import fastifyCors from '@fastify/cors'
import { AUTHORIZATION_HEADER, REFRESH_HEADER, REQUEST_ID_HEADER, SESSION_IDLE_ENDS_IN_HEADER, TOKEN_HEADER } from '@tokenauth/shared'
import { errorBody } from '../http/api-error.js'

declare module 'fastify' {
  interface FastifyRequest {
    /** Set by @fastify/cors (undeclared in its types) when it answered this request as a preflight. */
    corsPreflightEnabled: boolean
  }
}

/** Exactly the request headers the SPA sends; a preflight asking for more is not granted. */
export const CORS_ALLOWED_HEADERS = ['content-type', TOKEN_HEADER, AUTHORIZATION_HEADER, REFRESH_HEADER] as const
/** Not CORS-safelisted, and the SPA reads them: when to retry, why a token was refused, the reference to quote. */
export const CORS_EXPOSED_HEADERS = ['retry-after', 'www-authenticate', REQUEST_ID_HEADER, SESSION_IDLE_ENDS_IN_HEADER] as const

/**
 * CORS for an SPA served from another origin (@fastify/cors): only the exact origins in
 * `CORS_ORIGINS` get CORS headers, credentials included; with none listed nothing is
 * registered and the API is same-origin only.
 *
 * Registered before the token-auth plugin, so its hook runs first: a listed origin's
 * preflight is answered before any token check, and a refusal (401, 429) still carries
 * the headers the browser needs to let the SPA read it. Its catch-all `OPTIONS` route is
 * then added before token-auth and has no rule; a hook here answers every other
 * `OPTIONS` request as the 404 it is, so that route is never reached.
 * @see https://github.com/fastify/fastify-cors
 */
export default fp<{ origins: readonly string[] }>(
  async (app, { origins }) => {
    if (origins.length === 0) return
    const listed = new Set(origins)
    await app.register(fastifyCors, {
      // The request's own origin when listed, else false: no CORS headers at all.
      origin: (origin, callback) => callback(null, origin !== undefined && listed.has(origin) ? origin : false),
      credentials: true,
      methods: ['GET', 'HEAD', 'POST', 'PUT', 'DELETE'],
      allowedHeaders: [...CORS_ALLOWED_HEADERS],
      exposedHeaders: [...CORS_EXPOSED_HEADERS],
      maxAge: 600,
      // A listed origin's OPTIONS without Access-Control-Request-Method gets the preflight
      // answer too, instead of the plugin's text/plain 400 outside our error shape.
      strictPreflight: false,
    })
    app.addHook('onRequest', (request, reply, done) => {
      if (request.method !== 'OPTIONS' || request.corsPreflightEnabled) return done()
      reply.code(404).send(errorBody('not_found', `No route for OPTIONS ${request.url.split('?', 1)[0]?.slice(0, 200)}`))
    })
  },
  { name: 'cors' },
)
