import fastifySwaggerUi from '@fastify/swagger-ui'
import type { RouteOptions } from 'fastify'
import { API_PREFIX } from '@tokenauth/shared'
import type { App } from '../http/app-instance.js'
import { API_DOCS_CSS, API_DOCS_FAVICON, API_DOCS_LOGO } from './api-docs-theme.js'
import { CONTENT_SECURITY_POLICY, routePolicy } from './security-headers.js'

/** Where the interactive API reference lives. */
export const API_DOCS_PREFIX = `${API_PREFIX}/docs`

/**
 * The app's policy with one exception: Swagger UI injects a single `<style>` element, allowed
 * by its hash (not `'unsafe-inline'`). Scripts stay `'self'` only. The Chromium test of this
 * page fails on any violation, so an upgrade that changes the element is caught.
 */
const API_DOCS_CSP = {
  ...CONTENT_SECURITY_POLICY,
  'style-src': ["'self'", "'sha256-RL3ie0nH+Lzz2YNqQN83mnU0J1ot4QL7b99vMdIX99w='"],
}

/**
 * The interactive API reference (Swagger UI, served from the package's own files; nothing
 * is loaded from elsewhere) over the OpenAPI document of `plugins/openapi.ts`, in tokenauth's
 * look (`api-docs-theme.ts`: its name, no "Explore" box, dark when the system is). Register
 * after `openapi`, security-headers and token-auth, without fastify-plugin: the page policy
 * applies to these routes only. The routes are public reads — the page and its assets carry
 * no data; calls made from it send the token typed into its Authorize dialog.
 * @see https://github.com/fastify/fastify-swagger-ui
 */
export default async function apiDocs(app: App, { production }: { production: boolean }): Promise<void> {
  app.addHook('onRoute', (route) => routePolicy(route, production, API_DOCS_CSP))
  await app.register(fastifySwaggerUi, {
    routePrefix: API_DOCS_PREFIX,
    // No call home to validator.swagger.io.
    uiConfig: { validatorUrl: null, deepLinking: true },
    // tokenauth's name and mark instead of Fastify's; back to the app from it.
    logo: { type: 'image/svg+xml', content: API_DOCS_LOGO, href: '/', target: '_self' },
    theme: {
      title: 'tokenauth API',
      css: [{ filename: 'tokenauth.css', content: API_DOCS_CSS }],
      favicon: [{ filename: 'favicon.svg', rel: 'icon', type: 'image/svg+xml', sizes: 'any', content: API_DOCS_FAVICON }],
    },
  })
}

/**
 * The token-auth rule of the reference's own routes, which the package declares without
 * one: public reads, and nothing else under its prefix.
 */
export function apiDocsRule(route: RouteOptions): 'public' | undefined {
  const methods = Array.isArray(route.method) ? route.method : [route.method]
  const isDocs = route.url === API_DOCS_PREFIX || route.url.startsWith(`${API_DOCS_PREFIX}/`)
  return isDocs && methods.every((method) => method === 'GET' || method === 'HEAD') ? 'public' : undefined
}
