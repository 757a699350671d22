import { isAxiosError, isCancel } from 'axios'
import type { Notifier } from '../../feedback/toasts'
import { errorWords, markHandledGlobally, statusOf } from '../errors'

/**
 * Response-error interceptor: failures that are not the page's fault — no answer, 5xx,
 * 429, 503 — become one toast (the toast list drops repeats). 4xx answers are left to
 * the view that made the call, which knows what they mean there.
 */
export function createNetworkNotices(notifier: Notifier) {
  return function onNetworkError(error: unknown): never {
    if (isAxiosError(error) && !isCancel(error) && !error.config?.inlineErrors) {
      const status = statusOf(error)
      if (status === null || status >= 500 || status === 429) {
        notifier.notify({ kind: 'error', text: errorWords(error) })
        markHandledGlobally(error)
      }
    }
    throw error
  }
}
