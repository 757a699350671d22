import fp from 'fastify-plugin'
import fastifyHelmet from '@fastify/helmet'
import type { onSendHookHandler } from 'fastify'
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

/** A policy's directives as sent: in production, plain-http subresources are upgraded too. */
export function cspDirectives<T extends object>(policy: T, production: boolean): T & { 'upgrade-insecure-requests'?: [] } {
  return production ? { ...policy, 'upgrade-insecure-requests': [] } : policy
}

/** The health probe carries nothing private; everything else under `/api` may. */
const CACHEABLE_API_ROUTE = `${API_PREFIX}/health`

/**
 * Browser security headers on every answer (@fastify/helmet): the CSP above, HSTS in
 * production only (over plain-HTTP development it would pin `localhost` to https),
 * `Referrer-Policy: no-referrer` (as the SPA's own `<meta>`), `X-Frame-Options: DENY`,
 * `nosniff`. And `Cache-Control: no-store` on every `/api` answer but the health probe,
 * whatever the route set: they carry tokens and user data, which no cache may keep. The
 * SPA's files keep their own cache headers (`index.html` no-cache, `/assets` immutable).
 * @see https://github.com/fastify/fastify-helmet
 */
export default fp<{ production: boolean }>(
  async (app, { production }) => {
    await app.register(fastifyHelmet, {
      contentSecurityPolicy: { useDefaults: false, directives: cspDirectives(CONTENT_SECURITY_POLICY, production) },
      hsts: production ? { maxAge: 365 * 24 * 3600, includeSubDomains: true } : false,
      referrerPolicy: { policy: 'no-referrer' },
      frameguard: { action: 'deny' },
    })
    // Decided per route when it is added (so a re-spelled URL cannot dodge it, and no
    // request pays for the decision): every API route but the health probe gets a
    // route-level onSend that forces no-store, whatever the handler set.
    app.addHook('onRoute', (route) => {
      if (carriesPrivateData(route.url)) route.onSend = [...asArray(route.onSend), forceNoStore]
    })
  },
  { name: 'security-headers' },
)

function carriesPrivateData(url: string): boolean {
  if (url === CACHEABLE_API_ROUTE) return false
  return url === API_PREFIX || url.startsWith(`${API_PREFIX}/`)
}

const forceNoStore: onSendHookHandler = (_request, reply, payload, done) => {
  reply.header('cache-control', 'no-store')
  done(null, payload)
}

function asArray<T>(value: T | T[] | undefined): T[] {
  return value === undefined ? [] : Array.isArray(value) ? value : [value]
}
