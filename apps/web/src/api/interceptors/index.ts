import { isAxiosError, type AxiosInstance, type AxiosResponse } from 'axios'
import { SESSION_IDLE_ENDS_IN_HEADER, type Restriction } from '@tokenauth/shared'
import type { Auth } from '../../session-lifecycle/auth-access'
import type { Notifier } from '../../feedback/toasts'
import type { Progress } from '../../feedback/progress'
import type { SessionLifecycle } from '../../session-lifecycle/lifecycle'
import { noteIdleEnd } from '../../feedback/idle-end'
import { createNetworkNotices } from './notices'
import { createProgressInterceptors } from './progress'
import { createRenewAhead } from './renew-ahead'
import { createRestrictionNotice } from './restriction'
import { createSignInRecovery } from './sign-in-recovery'
import { createStepUpRecovery } from './step-up-recovery'
import type { StepUpPrompt } from '../../session-lifecycle/step-up-prompt'
import { createTokenInterceptor } from './token'

/** Milliseconds from an answer to the session's idle end, when the answer says so. */
const IDLE_ENDS_IN = /^[0-9]{1,12}$/

function readIdleEnd(headers: AxiosResponse['headers']): void {
  const value: unknown = headers[SESSION_IDLE_ENDS_IN_HEADER]
  if (typeof value === 'string' && IDLE_ENDS_IN.test(value)) noteIdleEnd(Number(value))
}

/** Wires every interceptor into the axios instance; returns a function that removes them. */
export function installInterceptors(
  http: AxiosInstance,
  deps: {
    auth: Pick<Auth, 'token' | 'expiresAt' | 'user'>
    lifecycle: Pick<SessionLifecycle, 'noteSent' | 'renewBefore' | 'recoverFrom' | 'sentForCurrentUser'>
    stepUpPrompt: Pick<StepUpPrompt, 'ask'>
    notifier: Notifier
    progress: Progress
    /** The server said the session is restricted (a 403 with its code). */
    restricted?: (restriction: Restriction) => void
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
  // Response interceptors run in order: stop the timer, toast network trouble, ask for a
  // step-up (a 401 that is not a lost session), recover 401s.
  const responseIds = [
    http.interceptors.response.use(progress.onResponse, progress.onError),
    // Every answer a session authenticated says when that session ends for inactivity, refusals (403, 409) too.
    http.interceptors.response.use(
      (response) => {
        readIdleEnd(response.headers)
        return response
      },
      (error: unknown) => {
        if (isAxiosError(error) && error.response) readIdleEnd(error.response.headers)
        return Promise.reject(error)
      },
    ),
    http.interceptors.response.use(undefined, createNetworkNotices(deps.notifier)),
    ...(deps.restricted ? [http.interceptors.response.use(undefined, createRestrictionNotice(deps.restricted))] : []),
    http.interceptors.response.use(
      undefined,
      createStepUpRecovery({
        prompt: deps.stepUpPrompt,
        currentUserId: () => auth.user?.id ?? null,
        sentForCurrentUser: (config) => lifecycle.sentForCurrentUser(config),
        retry: (config) => http.request(config),
      }),
    ),
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
