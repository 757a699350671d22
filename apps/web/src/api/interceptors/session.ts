import { isAxiosError, type AxiosResponse, type InternalAxiosRequestConfig } from 'axios'
import type { Router } from 'vue-router'
import { errorMessages, TOKEN_HEADER } from '@tokenauth/shared'
import type { Auth } from '../../store/modules/auth'
import type { Notifier } from '../../feedback/toasts'
import { errorCodeOf, markHandledGlobally, statusOf } from '../errors'

/** What the session-recovery interceptor works with; tests pass fakes. */
export interface SessionRecoveryDeps {
  auth: Pick<Auth, 'token' | 'renew' | 'clear'>
  router: Pick<Router, 'currentRoute' | 'replace'>
  notifier: Notifier
  /** Sends a request again (the axios instance's `request`). */
  retry(config: InternalAxiosRequestConfig): Promise<AxiosResponse>
}

/**
 * Response-error interceptor for 401s from any endpoint but login/refresh/logout/setup.
 *
 * However many requests fail at once, they share ONE flight: renew the access token
 * through the session cookie (unless the server said the session is revoked) and retry
 * each request once; if that is not possible, end the session once — clear the store,
 * one notice, one redirect to login with `?redirect=` the current page. Every request
 * settles: retried, or rejected with its own error.
 */
export function createSessionRecovery(deps: SessionRecoveryDeps) {
  let flight: Promise<string | null> | null = null

  function endSession(): null {
    deps.auth.clear()
    deps.notifier.notify({ kind: 'warning', text: errorMessages.revoked_token })
    const route = deps.router.currentRoute.value
    if (!route.meta.public) {
      void deps.router.replace({ name: 'login', query: { redirect: route.fullPath } })
    }
    return null
  }

  /** The new token, or null once the session has been ended. Rejects on a network failure. */
  function recover(mayRenew: boolean): Promise<string | null> {
    flight ??= (async () => {
      if (mayRenew) {
        try {
          return await deps.auth.renew()
        } catch (renewError) {
          // No answer at all: the session may well be alive; do not log anyone out.
          if (statusOf(renewError) === null) throw renewError
        }
      }
      return endSession()
    })().finally(() => {
      flight = null
    })
    return flight
  }

  return async function onSessionError(error: unknown): Promise<AxiosResponse> {
    if (!isAxiosError(error) || statusOf(error) !== 401 || !error.config || error.config.authEndpoint) {
      throw error
    }
    const config = error.config
    const sentToken = config.headers.get(TOKEN_HEADER)
    const current = deps.auth.token

    if (current === null) {
      // The session already ended (this request was in flight while it did): stay quiet.
      markHandledGlobally(error)
      throw error
    }
    if (current !== sentToken && !config.retriedAfterRenew) {
      // Renewed meanwhile by another request's flight: just try again with the new token.
      return deps.retry({ ...config, retriedAfterRenew: true })
    }

    const mayRenew = errorCodeOf(error) !== 'revoked_token' && !config.retriedAfterRenew
    let renewed: string | null
    try {
      renewed = await recover(mayRenew)
    } catch {
      throw error
    }
    if (renewed === null) {
      markHandledGlobally(error)
      throw error
    }
    return deps.retry({ ...config, retriedAfterRenew: true })
  }
}
