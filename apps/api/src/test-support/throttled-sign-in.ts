import { RetryLaterError } from '../http/retry-later-error.js'
import type { LoginThrottle } from '../auth/login-throttle.js'

/** One sign-in through the throttle: 'ok', 'failed', or the Retry-After it was refused with. */
export async function throttledSignIn(t: LoginThrottle, ip: string, username: string, passwordOk: boolean): Promise<string | number> {
  try {
    return (await t.guard(ip, username, async () => passwordOk, (ok) => ok)) ? 'ok' : 'failed'
  } catch (error) {
    if (error instanceof RetryLaterError) return error.retryAfterSeconds
    throw error
  }
}
