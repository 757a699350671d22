import { CONTENT_SECURITY_POLICY } from '../plugins/security-headers.js'

/**
 * The security headers every answer carries, as plain strings, for the answers made
 * before any hook runs (a malformed URL, a client error the HTTP parser reports): helmet
 * only sees requests that reach the hooks. They match what `plugins/security-headers.ts`
 * sends through helmet (checked by `http/early-answers.test.ts`).
 */
export function baselineSecurityHeaders(production: boolean): Readonly<Record<string, string>> {
  const directives: Record<string, readonly string[]> = { ...CONTENT_SECURITY_POLICY }
  if (production) directives['upgrade-insecure-requests'] = []
  const csp = Object.entries(directives)
    .map(([name, values]) => [name, ...values].join(' '))
    .join(';')
  return Object.freeze({
    'content-security-policy': csp,
    'cross-origin-opener-policy': 'same-origin',
    'cross-origin-resource-policy': 'same-origin',
    'referrer-policy': 'no-referrer',
    'x-content-type-options': 'nosniff',
    'x-frame-options': 'DENY',
    'cache-control': 'no-store',
    ...(production ? { 'strict-transport-security': 'max-age=31536000; includeSubDomains' } : {}),
  })
}
