import { readonly, ref } from 'vue'

/** Tabs of the app tell each other the idle end they heard of: a request in any tab moves it for all. */
const CHANNEL_NAME = 'tokenauth.idle-end'

const endsAt = ref<number | null>(null)
let channel: BroadcastChannel | null | undefined

function take(at: number): void {
  // The server's idle clock only moves forward: the latest end anyone heard of is the one.
  if (endsAt.value === null || at > endsAt.value) endsAt.value = at
}

function shared(): BroadcastChannel | null {
  if (channel === undefined) {
    channel = typeof BroadcastChannel === 'function' ? new BroadcastChannel(CHANNEL_NAME) : null
    if (channel) channel.onmessage = (message: MessageEvent<unknown>) => typeof message.data === 'number' && take(message.data)
  }
  return channel
}

/**
 * When the session ends for inactivity (ms since the epoch, this device's clock), as the
 * server last said (`SESSION_IDLE_ENDS_IN_HEADER`, here or in another tab); null until it has.
 */
export const idleEndsAt = readonly(endsAt)

/** The server said the session ends for inactivity `msFromNow` after its answer. */
export function noteIdleEnd(msFromNow: number, now = Date.now()): void {
  const at = now + msFromNow
  take(at)
  shared()?.postMessage(at)
}

/** Listens to the other tabs from the start (not only after this tab's first answer). */
export function listenForIdleEnds(): void {
  shared()
}

/** For tests: forget what was heard. */
export function forgetIdleEnd(): void {
  endsAt.value = null
}
