import type { AxiosInstance } from 'axios'
import type { Router } from 'vue-router'
import type { Auth } from '../../store/modules/auth'
import type { Notifier } from '../../feedback/toasts'
import type { Progress } from '../../feedback/progress'
import { createNetworkNotices } from './notices'
import { createProgressInterceptors } from './progress'
import { createSessionRecovery } from './session'
import { createTokenInterceptor } from './token'

/** Wires every interceptor into the axios instance; returns a function that removes them. */
export function installInterceptors(
  http: AxiosInstance,
  deps: { auth: Auth; router: Router; notifier: Notifier; progress: Progress },
): () => void {
  const progress = createProgressInterceptors(deps.progress)
  // Request interceptors run last-added first: the token is set, then the timer starts.
  const requestIds = [
    http.interceptors.request.use(progress.onRequest),
    http.interceptors.request.use(createTokenInterceptor(() => deps.auth.token)),
  ]
  // Response interceptors run in order: stop the timer, toast network trouble, recover 401s.
  const responseIds = [
    http.interceptors.response.use(progress.onResponse, progress.onError),
    http.interceptors.response.use(undefined, createNetworkNotices(deps.notifier)),
    http.interceptors.response.use(
      undefined,
      createSessionRecovery({
        auth: deps.auth,
        router: deps.router,
        notifier: deps.notifier,
        retry: (config) => http.request(config),
      }),
    ),
  ]
  return () => {
    requestIds.forEach((id) => http.interceptors.request.eject(id))
    responseIds.forEach((id) => http.interceptors.response.eject(id))
  }
}
