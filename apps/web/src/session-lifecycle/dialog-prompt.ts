import { readonly, shallowRef } from 'vue'

/**
 * The state of one app-wide dialog that requests wait on: `ask` opens it — or joins the
 * one already open, as `join` decides — and resolves with the answer; the dialog calls
 * `answer`. `join(open, next)` gives the request the open dialog shows from now on, or
 * null when `next` cannot wait on it: the open one is then answered `cancelled` and
 * `next` opens in its place.
 */
export function createDialogPrompt<Request, Answer>(options: { join(open: Request, next: Request): Request | null; cancelled: Answer }) {
  const current = shallowRef<Request | null>(null)
  let pending: Promise<Answer> | null = null
  let settle: ((answer: Answer) => void) | null = null

  function ask(request: Request): Promise<Answer> {
    if (pending && current.value !== null) {
      const joined = options.join(current.value, request)
      if (joined !== null) {
        current.value = joined
        return pending
      }
      answer(options.cancelled)
    }
    current.value = request
    pending = new Promise<Answer>((resolve) => (settle = resolve))
    return pending
  }

  function answer(result: Answer): void {
    const resolve = settle
    current.value = null
    pending = null
    settle = null
    resolve?.(result)
  }

  return {
    /** The open request, or null when the dialog is closed. */
    current: readonly(current),
    get isOpen(): boolean {
      return current.value !== null
    },
    ask,
    answer,
  }
}
