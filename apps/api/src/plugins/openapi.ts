import fp from 'fastify-plugin'
import fastifySwagger from '@fastify/swagger'
import type { FastifySchema } from 'fastify'
import { API_PREFIX, TOKEN_HEADER } from '@tokenauth/shared'
import { describedResponses } from './response-descriptions.js'

/** Both ways to send the token, as OpenAPI security schemes; either one will do. */
const TOKEN_SECURITY: Record<string, string[]>[] = [{ tokenHeader: [] }, { bearer: [] }]

/**
 * The OpenAPI 3 document, generated from the same TypeBox schemas Fastify validates and
 * serializes with, at `GET /api/openapi.json`. Routes whose rule is not `public` are
 * marked as needing a token. Register before the routes, so it sees them all.
 * @see https://github.com/fastify/fastify-swagger
 */
export default fp<{ version: string }>(
  async (app, { version }) => {
    await app.register(fastifySwagger, {
      openapi: {
        openapi: '3.0.3',
        info: {
          title: 'tokenauth API',
          version,
          description: 'Token authentication: send the access token as `token: <t>` or `Authorization: Bearer <t>`.',
        },
        components: {
          securitySchemes: {
            tokenHeader: { type: 'apiKey', in: 'header', name: TOKEN_HEADER },
            bearer: { type: 'http', scheme: 'bearer' },
          },
        },
      },
      transform: ({ schema, url, route }) => {
        const isPublic = route.config?.auth === 'public'
        const documented: FastifySchema & { security?: unknown } = { ...schema }
        if (!isPublic) documented.security = TOKEN_SECURITY
        // Every answer named ("The signed-in user"), none left as "Default Response".
        const method = Array.isArray(route.method) ? route.method[0] : route.method
        const response = describedResponses(String(method), url, schema?.response)
        if (response) documented.response = response
        // Only the API is documented, not the SPA's catch-all route.
        if (!url.startsWith(API_PREFIX)) documented.hide = true
        return { schema: documented, url }
      },
    })

    // Cache-Control: no-store, as every /api answer but the health probe (security-headers.ts).
    app.get(`${API_PREFIX}/openapi.json`, { config: { auth: 'public' }, schema: { hide: true } }, () => app.swagger())
  },
  { name: 'openapi' },
)
