import { readonly, shallowRef } from 'vue'

/** What the step-up dialog asks for: a fresh proof from the person signed in as `userId`. */
export interface StepUpPromptRequest {
  readonly userId: number
}

/** How the dialog was answered: `confirmed` once the store holds the fresh token. */
export type StepUpAnswer = { kind: 'confirmed' } | { kind: 'cancelled' }

/**
 * The state of the one step-up dialog (RFC 9470's `insufficient_user_authentication`):
 * `ask` opens it, or joins the open one (several refused requests, one dialog), and
 * resolves with the answer; the dialog calls `answer`.
 */
export function createStepUpPrompt() {
  const current = shallowRef<StepUpPromptRequest | null>(null)
  let pending: Promise<StepUpAnswer> | null = null
  let settle: ((answer: StepUpAnswer) => void) | null = null

  function ask(request: StepUpPromptRequest): Promise<StepUpAnswer> {
    if (pending && current.value?.userId === request.userId) return pending
    // A dialog open for someone else (another tab signed in meanwhile) is over.
    if (pending) answer({ kind: 'cancelled' })
    current.value = request
    pending = new Promise<StepUpAnswer>((resolve) => (settle = resolve))
    return pending
  }

  function answer(result: StepUpAnswer): void {
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

/** The kind of object `createStepUpPrompt` returns. */
export type StepUpPrompt = ReturnType<typeof createStepUpPrompt>

/** The app's one step-up dialog. */
export const appStepUpPrompt = createStepUpPrompt()
