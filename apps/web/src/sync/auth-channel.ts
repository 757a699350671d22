
/** What one tab tells the others. It carries no token, no user, nothing secret. */
export interface AuthEvent {
  type: 'login' | 'logout'
  at: number
}

/** Tells the app's other tabs about sign-in and sign-out. */
export interface AuthChannel {
  post(type: AuthEvent['type']): void
  subscribe(listener: (event: AuthEvent) => void): () => void
  close(): void
}

const CHANNEL_NAME = 'tokenauth.auth'
/** The `storage` fallback key; its value is only the event type and a time stamp. */
export const AUTH_EVENT_STORAGE_KEY = 'tokenauth.auth-event'

function parseEvent(value: unknown): AuthEvent | null {
  if (typeof value === 'string') {
    try {
      value = JSON.parse(value)
    } catch {
      return null
    }
  }
  if (typeof value !== 'object' || value === null) return null
  const { type, at } = value as Partial<AuthEvent>
  return (type === 'login' || type === 'logout') && typeof at === 'number' ? { type, at } : null
}

/**
 * A BroadcastChannel between the app's tabs; where there is none, a `storage` event
 * (written and removed at once, so nothing lingers in localStorage).
 */
export function createAuthChannel(win: Window & typeof globalThis = window): AuthChannel {
  const listeners = new Set<(event: AuthEvent) => void>()
  const emit = (event: AuthEvent | null) => event && listeners.forEach((listener) => listener(event))

  if (typeof win.BroadcastChannel === 'function') {
    const channel = new win.BroadcastChannel(CHANNEL_NAME)
    channel.onmessage = (message: MessageEvent<unknown>) => emit(parseEvent(message.data))
    return {
      post: (type) => channel.postMessage({ type, at: Date.now() } satisfies AuthEvent),
      subscribe: (listener) => (listeners.add(listener), () => listeners.delete(listener)),
      close: () => channel.close(),
    }
  }

  const onStorage = (event: StorageEvent) => {
    if (event.key === AUTH_EVENT_STORAGE_KEY && event.newValue) emit(parseEvent(event.newValue))
  }
  win.addEventListener('storage', onStorage)
  return {
    post(type) {
      try {
        win.localStorage.setItem(AUTH_EVENT_STORAGE_KEY, JSON.stringify({ type, at: Date.now() } satisfies AuthEvent))
        win.localStorage.removeItem(AUTH_EVENT_STORAGE_KEY)
      } catch {
        // Storage disabled: other tabs find out at their next request instead.
      }
    },
    subscribe: (listener) => (listeners.add(listener), () => listeners.delete(listener)),
    close: () => win.removeEventListener('storage', onStorage),
  }
}
