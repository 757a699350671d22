import { readonly, ref } from 'vue'

const last = ref(Date.now())

/**
 * When this tab last had an answer to an authenticated request: the server's idle clock
 * restarts with each one (to the minute), so the idle warning counts from here.
 */
export const lastApiActivity = readonly(last)

export function markApiActivity(at = Date.now()): void {
  last.value = at
}
