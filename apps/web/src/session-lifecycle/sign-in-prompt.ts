import { createDialogPrompt } from './dialog-prompt'
import type { User } from '@tokenauth/shared'

/** Why the dialog asks: the session has ended, or the user chose to renew it before it does. */
export type SignInPromptReason = 'ended' | 'ending-soon'

/** What the sign-in-again dialog shows. */
export interface SignInPromptRequest {
  reason: SignInPromptReason
  /** Prefilled: it is usually the same person. */
  username: string
}

/** How the dialog was answered. */
export type SignInPromptAnswer =
  /** Signed in (the store holds the new session). `fromOtherTab`: picked up another tab's sign-in. */
  | { kind: 'signed-in'; user: User; fromOtherTab?: boolean }
  /** The user chose not to (Cancel, Escape). */
  | { kind: 'cancelled' }
  /** Signed out in another tab meanwhile: nothing to sign in to any more. */
  | { kind: 'signed-out' }

/**
 * The state of the one sign-in-again dialog. `ask` opens it (or joins the open one) and
 * resolves with the answer; the dialog component calls `answer`. An `ended` ask turns an
 * open `ending-soon` dialog into an `ended` one: there is only ever one dialog.
 */
export function createSignInPrompt() {
  return createDialogPrompt<SignInPromptRequest, SignInPromptAnswer>({
    join: (open, next) => (next.reason === 'ended' && open.reason !== 'ended' ? { ...open, reason: 'ended' } : open),
    cancelled: { kind: 'cancelled' },
  })
}

/** The kind of object `createSignInPrompt` returns. */
export type SignInPrompt = ReturnType<typeof createSignInPrompt>

/** The app's one sign-in-again dialog. */
export const appSignInPrompt = createSignInPrompt()
