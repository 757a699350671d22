import { onMounted, ref } from 'vue'
import type { SecondFactorStatus } from '@tokenauth/shared'
import { getSecondFactors, regenerateRecoveryCodes } from '../api/second-factors'
import { errorWords, isHandledGlobally } from '../api/errors'

/**
 * What the profile's second-factor panels share: the account's factors (loaded on mount),
 * recovery codes to show once, one status line, and one action at a time whose failure is put in words — unless the
 * app already said it, or `explain` has words of its own for it.
 */
export function useFactorPanel(explain: (failure: unknown) => string | null = () => null) {
  const status = ref<SecondFactorStatus | null>(null)
  const pending = ref(false)
  const message = ref<{ kind: 'error' | 'success'; text: string } | null>(null)
  /** Codes to show once (after the first factor, or after asking for new ones). */
  const freshCodes = ref<string[] | null>(null)

  async function load(): Promise<void> {
    try {
      status.value = await getSecondFactors()
    } catch (failure) {
      if (!isHandledGlobally(failure)) message.value = { kind: 'error', text: errorWords(failure) }
    }
  }
  onMounted(load)

  async function act(run: () => Promise<void>): Promise<void> {
    if (pending.value) return
    pending.value = true
    message.value = null
    try {
      await run()
    } catch (failure) {
      const words = explain(failure)
      if (words !== null) message.value = { kind: 'error', text: words }
      else if (!isHandledGlobally(failure)) message.value = { kind: 'error', text: errorWords(failure) }
    } finally {
      pending.value = false
    }
  }

  /** New recovery codes, shown once; the old ones are void. */
  const newCodes = () =>
    act(async () => {
      freshCodes.value = await regenerateRecoveryCodes()
      await load()
    })

  return { status, pending, message, freshCodes, load, act, newCodes }
}
