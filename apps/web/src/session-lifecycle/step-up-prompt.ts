import { createDialogPrompt } from './dialog-prompt'

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
  return createDialogPrompt<StepUpPromptRequest, StepUpAnswer>({
    // A dialog open for someone else (another tab signed in meanwhile) is over.
    join: (open, next) => (open.userId === next.userId ? open : null),
    cancelled: { kind: 'cancelled' },
  })
}

/** The kind of object `createStepUpPrompt` returns. */
export type StepUpPrompt = ReturnType<typeof createStepUpPrompt>

/** The app's one step-up dialog. */
export const appStepUpPrompt = createStepUpPrompt()
