import { onBeforeUnmount, ref, watch, type Ref } from 'vue'

/** How long before the session's absolute end the warning shows. */
export const SESSION_END_WARNING_MS = 5 * 60_000
/** setTimeout's limit (about 24.8 days); a longer wait is taken in steps. */
const MAX_TIMER_MS = 2 ** 31 - 1

/** Where the session stands against its absolute end. */
export type SessionEndPhase = 'far' | 'soon' | 'ended'

/**
 * Whether the session's absolute end is far, close (within `leadMs`) or past, on timers
 * rather than polling: one timer to the start of the warning, one to the end. A timer
 * that fires late (a sleeping laptop, a background tab) just re-reads the clock.
 */
export function useSessionEndWarning(
  endsAt: () => string | null,
  leadMs: number | (() => number) = SESSION_END_WARNING_MS,
): Ref<SessionEndPhase> {
  // A getter, when the lead depends on something read later (the idle timeout arrives after sign-in).
  const lead = typeof leadMs === 'function' ? leadMs : () => leadMs
  const phase = ref<SessionEndPhase>('far')
  let timer: ReturnType<typeof setTimeout> | undefined

  function update(): void {
    clearTimeout(timer)
    timer = undefined
    const end = Date.parse(endsAt() ?? '')
    if (Number.isNaN(end)) {
      phase.value = 'far'
      return
    }
    const left = end - Date.now()
    const ahead = lead()
    phase.value = left <= 0 ? 'ended' : left <= ahead ? 'soon' : 'far'
    if (left > 0) timer = setTimeout(update, Math.min(left <= ahead ? left : left - ahead, MAX_TIMER_MS))
  }

  watch([endsAt, lead], update, { immediate: true })
  onBeforeUnmount(() => clearTimeout(timer))
  return phase
}
