import type { AxiosInstance } from 'axios'
import { TOKEN_HEADER } from '@tokenauth/shared'
import type { Auth } from '../../session-lifecycle/auth-access'
import type { Notifier } from '../../feedback/toasts'
import type { Progress } from '../../feedback/progress'
import type { SessionLifecycle } from '../../session-lifecycle/lifecycle'
import { markApiActivity } from '../../feedback/activity'
import { createNetworkNotices } from './notices'
import { createProgressInterceptors } from './progress'
import { createRenewAhead } from './renew-ahead'
import { createSignInRecovery } from './sign-in-recovery'
import { createTokenInterceptor } from './token'

/** Wires every interceptor into the axios instance; returns a function that removes them. */
export function installInterceptors(
  http: AxiosInstance,
  deps: {
    auth: Pick<Auth, 'token' | 'expiresAt'>
    lifecycle: Pick<SessionLifecycle, 'noteSent' | 'renewBefore' | 'recoverFrom'>
    notifier: Notifier
    progress: Progress
  },
): () => void {
  const { auth, lifecycle } = deps
  const progress = createProgressInterceptors(deps.progress)
  // Request interceptors run last-added first: renew if the token is about to expire,
  // then set the token, then start the timer.
  const requestIds = [
    http.interceptors.request.use(progress.onRequest),
    http.interceptors.request.use(createTokenInterceptor(() => auth.token, lifecycle.noteSent)),
    http.interceptors.request.use(createRenewAhead(auth, lifecycle)),
  ]
  // Response interceptors run in order: stop the timer, toast network trouble, recover 401s.
  const responseIds = [
    http.interceptors.response.use(progress.onResponse, progress.onError),
    // An answer to a request that carried the token restarted the session's idle clock.
    http.interceptors.response.use((response) => {
      if (response.config.headers?.has?.(TOKEN_HEADER)) markApiActivity()
      return response
    }),
    http.interceptors.response.use(undefined, createNetworkNotices(deps.notifier)),
    http.interceptors.response.use(
      undefined,
      createSignInRecovery({ lifecycle, retry: (config) => http.request(config) }),
    ),
  ]
  return () => {
    requestIds.forEach((id) => http.interceptors.request.eject(id))
    responseIds.forEach((id) => http.interceptors.response.eject(id))
  }
}
