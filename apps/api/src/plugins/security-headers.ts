import type { IncomingMessage, ServerResponse } from 'node:http'
import fp from 'fastify-plugin'
import helmet, { type HelmetOptions } from 'helmet'
import type { FastifyReply, FastifyRequest, HookHandlerDoneFunction, RouteOptions } from 'fastify'
import { API_PREFIX } from '@tokenauth/shared'

/**
 * The Content Security Policy of the built SPA: nothing inline and nothing from elsewhere.
 * Vite emits every script and stylesheet as a file under `/assets` (no inline `<script>`,
 * no module-preload polyfill), and Vue sets dynamic styles through CSSOM, which
 * `style-src` does not govern, so `'unsafe-inline'` is not needed for styles either.
 * `base-uri 'none'` (ASVS 5.0 §3.4.3): the app has no `<base>`, so none may be injected.
 */
export const CONTENT_SECURITY_POLICY = {
  'default-src': ["'self'"],
  'script-src': ["'self'"],
  'script-src-attr': ["'none'"],
  'style-src': ["'self'"],
  'img-src': ["'self'", 'data:'],
  'font-src': ["'self'"],
  'connect-src': ["'self'"],
  'object-src': ["'none'"],
  'base-uri': ["'none'"],
  'form-action': ["'self'"],
  'frame-ancestors': ["'none'"],
} as const

export type ContentSecurityPolicy = Readonly<Record<string, readonly string[]>>

/** A policy's directives as sent: in production, plain-http subresources are upgraded too. */
export function cspDirectives<T extends object>(policy: T, production: boolean): T & { 'upgrade-insecure-requests'?: [] } {
  return production ? { ...policy, 'upgrade-insecure-requests': [] } : policy
}

/**
 * helmet's options for this app: the CSP above (or a route's own), HSTS in production
 * only (over plain-HTTP development it would pin `localhost` to https), `Referrer-Policy:
 * no-referrer` (as the SPA's own `<meta>`), `X-Frame-Options: DENY`, and helmet's defaults
 * for the rest (nosniff, COOP, CORP, …).
 */
function helmetOptions(production: boolean, policy: ContentSecurityPolicy): HelmetOptions {
  return {
    contentSecurityPolicy: { useDefaults: false, directives: cspDirectives(policy, production) },
    hsts: production ? { maxAge: 365 * 24 * 3600, includeSubDomains: true } : false,
    referrerPolicy: { policy: 'no-referrer' },
    frameguard: { action: 'deny' },
  }
}

/**
 * The headers helmet sets with these options, computed once: helmet's own middleware run
 * against a response that records them. Nothing in them depends on the request, so every
 * answer can get the same frozen set in one step instead of helmet's chain of middlewares
 * per response (the per-request auth hook's neighbours are on the hot path too).
 */
export function securityHeaderSet(production: boolean, policy: ContentSecurityPolicy = CONTENT_SECURITY_POLICY): Readonly<Record<string, string>> {
  const headers: Record<string, string> = {}
  const recorder = {
    setHeader(name: string, value: string | number | readonly string[]) {
      headers[name.toLowerCase()] = String(value)
    },
    removeHeader(name: string) {
      headers[name.toLowerCase()] = ''
    },
  }
  let finished = false
  helmet(helmetOptions(production, policy))({} as IncomingMessage, recorder as unknown as ServerResponse, (error?: unknown) => {
    if (error) throw error
    finished = true
  })
  // helmet's middleware is synchronous; if a future version is not, fail at start, not silently.
  if (!finished) throw new Error('helmet did not finish synchronously: the security headers cannot be precomputed')
  return Object.freeze(Object.fromEntries(Object.entries(headers).filter(([, value]) => value !== '')))
}

/** Where a route keeps its own header set (a page with its own policy). */
const kSecurityHeaders = Symbol('tokenauth.securityHeaders')
interface WithSecurityHeaders {
  [kSecurityHeaders]?: Readonly<Record<string, string>>
}

/** Gives the routes added in this context their own policy (register without fastify-plugin). */
export function routePolicy(route: RouteOptions, production: boolean, policy: ContentSecurityPolicy): void {
  route.config = { ...route.config, [kSecurityHeaders]: securityHeaderSet(production, policy) } as RouteOptions['config']
}

/** The health probe carries nothing private; everything else under `/api` may. */
const CACHEABLE_API_ROUTE = `${API_PREFIX}/health`

/** Where a route keeps whether its answers must not be stored (decided once, when it is added). */
const kNoStore = Symbol('tokenauth.noStore')
interface WithNoStore {
  [kNoStore]?: true
}

/** `Cache-Control: no-store` joined to a header set, once. */
function withNoStore(headers: Readonly<Record<string, string>>): Readonly<Record<string, string>> {
  return Object.freeze({ ...headers, 'cache-control': 'no-store' })
}

/**
 * Browser security headers on every answer, refusals and 404s included: helmet's policy
 * (above), precomputed, written by one synchronous hook. And `Cache-Control: no-store` on
 * every `/api` answer but the health probe: they carry tokens and user data, which no
 * cache may keep. It is part of the same precomputed set, decided per route when the route
 * is added (so a re-spelled URL cannot dodge it, and no request pays for the decision);
 * no API handler sets a cache header of its own (security-headers.test.ts checks every
 * route). The SPA's files keep their own cache headers (`index.html` no-cache, `/assets`
 * immutable).
 * @see https://github.com/helmetjs/helmet
 */
export default fp<{ production: boolean }>(
  async (app, { production }) => {
    const defaults = securityHeaderSet(production)
    const privateDefaults = withNoStore(defaults)
    app.addHook('onRequest', (request: FastifyRequest, reply: FastifyReply, done: HookHandlerDoneFunction) => {
      const config = request.routeOptions.config as WithSecurityHeaders & WithNoStore
      const own = config[kSecurityHeaders]
      reply.headers(own !== undefined ? (config[kNoStore] ? withNoStoreOf(own) : own) : config[kNoStore] ? privateDefaults : defaults)
      done()
    })
    app.addHook('onRoute', (route) => {
      if (carriesPrivateData(route.url)) route.config = { ...route.config, [kNoStore]: true } as RouteOptions['config']
    })
  },
  { name: 'security-headers' },
)

/** A route's own set with no-store, computed once per set. */
const noStoreSets = new WeakMap<Readonly<Record<string, string>>, Readonly<Record<string, string>>>()
function withNoStoreOf(headers: Readonly<Record<string, string>>): Readonly<Record<string, string>> {
  let joined = noStoreSets.get(headers)
  if (joined === undefined) noStoreSets.set(headers, (joined = withNoStore(headers)))
  return joined
}

function carriesPrivateData(url: string): boolean {
  if (url === CACHEABLE_API_ROUTE) return false
  return url === API_PREFIX || url.startsWith(`${API_PREFIX}/`)
}

