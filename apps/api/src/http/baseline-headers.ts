import { securityHeaderSet } from '../plugins/security-headers.js'

/**
 * The security headers every answer carries, for the answers made before any hook runs
 * (a malformed URL, a client error the HTTP parser reports): the same precomputed set the
 * security-headers hook writes, plus `no-store` (checked by `http/early-answers.test.ts`).
 */
export function baselineSecurityHeaders(production: boolean): Readonly<Record<string, string>> {
  return Object.freeze({ ...securityHeaderSet(production), 'cache-control': 'no-store' })
}
