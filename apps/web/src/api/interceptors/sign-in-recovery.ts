import type { AxiosResponse, InternalAxiosRequestConfig } from 'axios'
import { isLostSession, type SessionLifecycle } from '../../session-lifecycle/lifecycle'

/** What the session-recovery interceptor works with; tests pass fakes. */
export interface SignInRecoveryDeps {
  lifecycle: Pick<SessionLifecycle, 'recoverFrom'>
  /** Sends a request again (the axios instance's `request`). */
  retry(config: InternalAxiosRequestConfig): Promise<AxiosResponse>
}

/**
 * Response-error interceptor for 401s from any endpoint but the auth endpoints: asks the
 * session lifecycle to recover (renew, or sign in again in place) and sends the request
 * again with what it answers. What a 401 means is the lifecycle's call, not this one's.
 */
export function createSignInRecovery(deps: SignInRecoveryDeps) {
  return async function onSessionError(error: unknown): Promise<AxiosResponse> {
    if (!isLostSession(error)) throw error
    return deps.retry(await deps.lifecycle.recoverFrom(error, error.config))
  }
}
