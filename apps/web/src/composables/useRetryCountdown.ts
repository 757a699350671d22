import { onBeforeUnmount, ref } from 'vue'

/**
 * Seconds until the server takes another attempt (from `Retry-After`), counted down once a
 * second; 0 when it takes one now. A form disables its button while it is above 0.
 */
export function useRetryCountdown() {
  const waitSeconds = ref(0)
  let timer: ReturnType<typeof setInterval> | undefined
  function countDown(seconds: number): void {
    clearInterval(timer)
    waitSeconds.value = seconds
    timer = setInterval(() => {
      waitSeconds.value = Math.max(0, waitSeconds.value - 1)
      if (waitSeconds.value === 0) clearInterval(timer)
    }, 1000)
  }
  onBeforeUnmount(() => clearInterval(timer))
  return { waitSeconds, countDown }
}
