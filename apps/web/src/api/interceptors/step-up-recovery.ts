import { isAxiosError, type AxiosResponse, type InternalAxiosRequestConfig } from 'axios'
import { errorCodeOf, markHandledGlobally, statusOf } from '../errors'
import type { StepUpPrompt } from '../../session-lifecycle/step-up-prompt'

/** What the step-up interceptor works with; tests pass fakes. */
export interface StepUpRecoveryDeps {
  prompt: Pick<StepUpPrompt, 'ask'>
  /** Who is signed in now. */
  currentUserId(): number | null
  /** Whether the request went out for the person signed in now (the session lifecycle noted it). */
  sentForCurrentUser(config: InternalAxiosRequestConfig): boolean
  /** Sends a request again (the axios instance's `request`). */
  retry(config: InternalAxiosRequestConfig): Promise<AxiosResponse>
}

/** A valid token whose proof is too old or too weak for the route (RFC 9470): not a lost session. */
export function isStepUpRefusal(error: unknown): error is { config: InternalAxiosRequestConfig } {
  return isAxiosError(error) && statusOf(error) === 401 && errorCodeOf(error) === 'insufficient_user_authentication' && error.config !== undefined
}

/**
 * Response-error interceptor for RFC 9470 refusals: opens the step-up dialog, and once
 * the person has proved who they are (the store holds the fresh token), sends the
 * refused request again — once, and only for the person it was sent for. Cancel rejects
 * with the request's own error, marked as told, so the page stays as it was.
 */
export function createStepUpRecovery(deps: StepUpRecoveryDeps) {
  return async function onStepUpRefusal(error: unknown): Promise<AxiosResponse> {
    if (!isStepUpRefusal(error)) throw error
    const { config } = error
    const userId = deps.currentUserId()
    // A replay refused again is the answer; a request sent for someone else is theirs.
    if (config.stepUp === 'replayed' || userId === null || !deps.sentForCurrentUser(config)) throw error
    const answer = await deps.prompt.ask({ userId })
    if (answer.kind !== 'confirmed' || deps.currentUserId() !== userId) {
      markHandledGlobally(error)
      throw error
    }
    return deps.retry({ ...config, stepUp: 'replayed' })
  }
}
