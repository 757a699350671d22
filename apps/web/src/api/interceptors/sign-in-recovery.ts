import { isAxiosError, type AxiosResponse, type InternalAxiosRequestConfig } from 'axios'
import { TOKEN_HEADER } from '@tokenauth/shared'
import type { Auth } from '../../store/modules/auth-access'
import type { ReauthOutcome } from '../../sign-in/reauthentication'
import { errorCodeOf, isHandledGlobally, markHandledGlobally, statusOf } from '../errors'

/** What the session-recovery interceptor works with; tests pass fakes. */
export interface SignInRecoveryDeps {
  auth: Pick<Auth, 'token' | 'user' | 'renew'>
  /** The session is gone: sign in again in place (or end it in the app); how that went. */
  sessionEnded(): Promise<ReauthOutcome>
  /** Sends a request again (the axios instance's `request`). */
  retry(config: InternalAxiosRequestConfig): Promise<AxiosResponse>
}

/** How one recovery ended, for every request that waited on it. */
type Recovery = 'renewed' | ReauthOutcome

/**
 * Response-error interceptor for 401s from any endpoint but login/refresh/logout/setup.
 *
 * However many requests fail at once, they share ONE flight: renew the access token
 * through the session cookie (unless the server said the session is revoked), then every
 * request is retried once with the new token. If the session is gone, the sign-in-again
 * dialog opens once and the requests wait for it: signed in again as the same user →
 * each is retried; as someone else, or cancelled → each rejects (marked as already told).
 * Every request settles; none is ever retried for a user other than the one it was for.
 */
export function createSignInRecovery(deps: SignInRecoveryDeps) {
  let flight: Promise<Recovery> | null = null

  function recover(mayRenew: boolean): Promise<Recovery> {
    flight ??= (async (): Promise<Recovery> => {
      if (mayRenew) {
        try {
          await deps.auth.renew()
          return 'renewed'
        } catch (renewError) {
          // No answer, 5xx, 429: the session may well be alive; nobody is signed out for that.
          if (statusOf(renewError) !== 401) throw renewError
        }
      }
      return deps.sessionEnded()
    })().finally(() => {
      flight = null
    })
    return flight
  }

  /** Whether the signed-in user is still the one the request was sent for. */
  function sameUser(config: InternalAxiosRequestConfig): boolean {
    const sentFor = config.sentForUserId
    return sentFor === undefined || sentFor === null || deps.auth.user?.id === sentFor
  }

  function settle(outcome: Recovery, error: unknown, config: InternalAxiosRequestConfig): Promise<AxiosResponse> {
    const retryable =
      (outcome === 'renewed' || (outcome === 'same-user' && config.recovery !== 'signed-in-again')) && sameUser(config)
    if (!retryable) {
      markHandledGlobally(error)
      throw error
    }
    const recovery = config.recovery === 'signed-in-again' || outcome === 'same-user' ? 'signed-in-again' : 'renewed'
    return deps.retry({ ...config, recovery })
  }

  return async function onSessionError(error: unknown): Promise<AxiosResponse> {
    if (!isAxiosError(error) || statusOf(error) !== 401 || !error.config || error.config.authEndpoint) {
      throw error
    }
    const config = error.config
    if (!sameUser(config)) {
      // Someone else has signed in since: what this request carried was not theirs.
      markHandledGlobally(error)
      throw error
    }
    let outcome: Recovery

    if (flight) {
      // Another request is already recovering: wait for it (renewal, or the dialog).
      outcome = await flight.catch((renewError: unknown) => Promise.reject(renewFailed(error, renewError)))
    } else {
      const current = deps.auth.token
      if (current === null && deps.auth.user === null) {
        // The session already ended (this request was in flight while it did): stay quiet.
        markHandledGlobally(error)
        throw error
      }
      if (current !== null && current !== config.headers.get(TOKEN_HEADER) && config.recovery === undefined) {
        // Renewed meanwhile by another request's flight: just try again with the new token.
        return deps.retry({ ...config, recovery: 'renewed' })
      }
      const mayRenew = current !== null && errorCodeOf(error) !== 'revoked_token' && config.recovery === undefined
      outcome = await recover(mayRenew).catch((renewError: unknown) => Promise.reject(renewFailed(error, renewError)))
    }
    return settle(outcome, error, config)
  }
}

/** A renewal that got no usable answer: the request fails with its own error, quietly if a toast already said why. */
function renewFailed(error: unknown, renewError: unknown): unknown {
  if (isHandledGlobally(renewError)) markHandledGlobally(error)
  return error
}
