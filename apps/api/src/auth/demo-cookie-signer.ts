import { hkdfSync } from 'node:crypto'
import { Signer } from '@fastify/cookie'

/** HKDF `info` of the demo cookies' key: any other use of the session secret gets another key. */
const DEMO_COOKIE_KEY_INFO = 'tokenauth demo cookie signature v1'

/**
 * The signer of the demo cookies (`PUT /api/cookies/:name` with `signed: true`). Their
 * values are chosen by the user, so with the session cookie's own key anyone could get a
 * chosen session id signed; each session secret is stretched (HKDF-SHA256) into a key of
 * their own. The first secret signs, all verify, as for the session cookie.
 */
export function createDemoCookieSigner(sessionSecrets: readonly string[]): Signer {
  const keys = sessionSecrets.map((secret) => Buffer.from(hkdfSync('sha256', secret, '', DEMO_COOKIE_KEY_INFO, 32)))
  return new Signer(keys, 'sha256')
}
