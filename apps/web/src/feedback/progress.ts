import { computed, ref } from 'vue'

/** A thin bar for work that takes long enough to notice; short work shows nothing. */
export function createProgress() {
  const active = ref(0)

  /** Starts one piece of work; the bar shows once it has lasted `delayMs`. Returns `done`. */
  function start(delayMs: number): () => void {
    let shown = false
    let finished = false
    const timer = setTimeout(() => {
      shown = true
      active.value++
    }, delayMs)
    return () => {
      if (finished) return
      finished = true
      clearTimeout(timer)
      if (shown) active.value--
    }
  }

  return { visible: computed(() => active.value > 0), start }
}

/** The kind of object `createProgress` returns. */
export type Progress = ReturnType<typeof createProgress>

/** Requests faster than this show no bar. */
export const SLOW_REQUEST_MS = 300
/** Navigations (lazy chunks, the boot refresh) show the bar a little sooner. */
export const SLOW_NAVIGATION_MS = 120

/** The app's progress bar state. */
export const appProgress = createProgress()
