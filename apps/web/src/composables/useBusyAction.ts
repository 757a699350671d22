import { ref, type Ref } from 'vue'
import { errorWords, isHandledGlobally } from '../api/errors'

/** What the last action said: its success text, or its failure in words. */
export interface ActionMessage {
  kind: 'error' | 'success'
  text: string
}

/** A page's own words for a failure it knows; null: it showed the failure itself; undefined: not one it knows. */
export type FailureWords = (failure: unknown) => string | null | undefined

/**
 * Runs a panel's actions one at a time. An action resolves to the text to show on
 * success (or undefined to show nothing); a failure shows in the caller's own words for
 * it (`failureWords`, for the failures that page knows; null when the page showed it
 * elsewhere, such as under a field), else in the error's words unless a toast or the
 * session-ended notice already said it.
 */
export function useBusyAction(): {
  busy: Ref<boolean>
  message: Ref<ActionMessage | null>
  run: (action: () => Promise<string | undefined>, failureWords?: FailureWords) => Promise<void>
} {
  const busy = ref(false)
  const message = ref<ActionMessage | null>(null)

  async function run(action: () => Promise<string | undefined>, failureWords?: FailureWords): Promise<void> {
    if (busy.value) return
    busy.value = true
    message.value = null
    try {
      const done = await action()
      if (done) message.value = { kind: 'success', text: done }
    } catch (failure) {
      const own = failureWords?.(failure)
      if (own === null) return
      if (own !== undefined) message.value = { kind: 'error', text: own }
      else if (!isHandledGlobally(failure)) message.value = { kind: 'error', text: errorWords(failure) }
    } finally {
      busy.value = false
    }
  }

  return { busy, message, run }
}
