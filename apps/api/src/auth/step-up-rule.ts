import type { StepUpOptions } from '@tokenauth/fastify-token-auth'
import type { Clock } from '../clock.js'

/** RFC 8176 values that mean a second factor was shown. */
const SECOND_FACTORS: ReadonlySet<string> = new Set(['otp', 'hwk', 'swk', 'mfa'])

/**
 * What the plugin's `stepUp` rules judge, in this app's terms: the token's `auth_time` and
 * `amr` (see `verify-access-token.ts`), on the app's clock. The one factor a rule may ask
 * for is `mfa`: two factors at sign-in, or a second factor at a step-up (which is always
 * made inside a session that a password or a passkey opened).
 */
export function stepUpJudge(clock: Clock): StepUpOptions {
  return {
    authentication: (principal) => (principal.authTime === undefined ? undefined : { time: principal.authTime, methods: principal.amr }),
    satisfies: (factors, methods) => factors === 'mfa' && methods.some((method) => SECOND_FACTORS.has(method)),
    now: clock,
  }
}
