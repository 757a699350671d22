import { onScopeDispose, ref } from 'vue'

/** How long a success stays said: long enough to read twice, short enough not to be stale. */
export const SUCCESS_SHOWN_MS = 5000

/**
 * A page's one status line. A success ("Note posted.") clears itself after
 * `SUCCESS_SHOWN_MS`, so it never describes something long past; an error stays until
 * the next message, because it asks for something to be done. The element showing it
 * stays in place, so focus on it is kept.
 */
export function useStatusMessage() {
  const message = ref<{ kind: 'error' | 'success'; text: string } | null>(null)
  let timer: ReturnType<typeof setTimeout> | undefined

  function say(kind: 'error' | 'success', text: string): void {
    clearTimeout(timer)
    message.value = { kind, text }
    if (kind === 'success') timer = setTimeout(() => (message.value = null), SUCCESS_SHOWN_MS)
  }

  function clear(): void {
    clearTimeout(timer)
    message.value = null
  }

  onScopeDispose(() => clearTimeout(timer))
  return { message, say, clear }
}
