import { reactive, readonly } from 'vue'

/** How a toast looks and how urgently a screen reader hears it. */
export type ToastKind = 'info' | 'success' | 'warning' | 'error'

/** One short message in the corner of the screen. */
export interface Toast {
  id: number
  kind: ToastKind
  text: string
}

/** What the interceptors and views need to tell the user something. */
export interface Notifier {
  notify(toast: { kind: ToastKind; text: string; timeoutMs?: number }): void
}

/** A toast list with its own state, so tests get a fresh one. */
export function createToasts(defaultTimeoutMs = 6000) {
  const list = reactive<Toast[]>([])
  let nextId = 1

  function dismiss(id: number): void {
    const index = list.findIndex((toast) => toast.id === id)
    if (index !== -1) list.splice(index, 1)
  }

  function notify({ kind, text, timeoutMs = defaultTimeoutMs }: { kind: ToastKind; text: string; timeoutMs?: number }): void {
    // Five requests failing together are one problem: say it once.
    if (list.some((toast) => toast.text === text)) return
    const id = nextId++
    list.push({ id, kind, text })
    if (list.length > 4) list.shift()
    if (timeoutMs > 0) setTimeout(() => dismiss(id), timeoutMs)
  }

  return { toasts: readonly(list), notify, dismiss }
}

/** The app's toasts. */
export const appToasts = createToasts()
