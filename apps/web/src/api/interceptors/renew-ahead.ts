import type { InternalAxiosRequestConfig } from 'axios'
import type { Auth } from '../../session-lifecycle/auth-access'
import type { SessionLifecycle } from '../../session-lifecycle/lifecycle'

/** Renew when less than this share of the token's lifetime (as first seen here) is left… */
const SHARE_LEFT = 0.1
/** …but never earlier than this before it expires. */
const MAX_LEAD_MS = 60_000

/**
 * Request interceptor: when the app is in use and the access token is about to expire,
 * renew it before sending (the session lifecycle's `renewBefore`, single-flight in the store) instead of letting the request
 * fail with 401 and sending it again. It runs only on requests, so an idle app renews
 * nothing and the server's idle timeout still applies.
 *
 * The lead is measured on this browser's clock. If a token fresh from the server already
 * looks expired, the clock is off: renewing ahead stops for good, and the 401 path
 * (session interceptor) renews when the server says so.
 */
export function createRenewAhead(
  auth: Pick<Auth, 'token' | 'expiresAt'>,
  lifecycle: Pick<SessionLifecycle, 'renewBefore'>,
  now: () => number = Date.now,
) {
  let seen: { token: string; leadMs: number } | null = null
  let clockIsOff = false

  return async function renewAhead(config: InternalAxiosRequestConfig): Promise<InternalAxiosRequestConfig> {
    const { token, expiresAt } = auth
    if (config.authEndpoint === 'tokenless' || clockIsOff || token === null || expiresAt === null) return config
    const expires = Date.parse(expiresAt)
    if (Number.isNaN(expires)) return config
    if (seen?.token !== token) seen = { token, leadMs: Math.min(MAX_LEAD_MS, Math.max(0, expires - now()) * SHARE_LEFT) }
    if (expires - now() > seen.leadMs) return config

    // A refused renewal is noted by the lifecycle: the 401 path will not ask the cookie again.
    if (await lifecycle.renewBefore(config)) {
      const renewedExpiry = Date.parse(auth.expiresAt ?? '')
      if (!(renewedExpiry > now())) clockIsOff = true
    }
    return config
  }
}
