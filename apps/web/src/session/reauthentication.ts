import type { InjectionKey } from 'vue'
import type { Router } from 'vue-router'
import { errorMessages, type User } from '@tokenauth/shared'
import type { Auth } from '../store/modules/auth'
import type { Notifier } from '../feedback/toasts'
import type { AuthChannel } from '../sync/auth-channel'
import type { SignInPrompt, SignInPromptReason } from './sign-in-prompt'

/**
 * How a session that ended under the user was settled:
 * - `same-user`: signed in again as the same person: what failed may be sent again;
 * - `other-user`: someone else signed in: nothing of the first user's is sent for them;
 * - `ended`: not signed in (cancelled, or signed out elsewhere).
 */
export type ReauthOutcome = 'same-user' | 'other-user' | 'ended'

/** What re-authentication works with; tests pass fakes. */
export interface ReauthenticationDeps {
  auth: Pick<Auth, 'user' | 'renew' | 'loadLifetime' | 'dropToken' | 'clear'>
  prompt: SignInPrompt
  router: Pick<Router, 'currentRoute' | 'replace'>
  channel: Pick<AuthChannel, 'post'>
  notifier: Notifier
}

/**
 * Signing in again without leaving the page. When the session ends in the middle of
 * work, the sign-in-again dialog opens over the page (so nothing typed is lost) instead
 * of the login page; the session-recovery interceptor holds the failed requests until it
 * is answered. One dialog at a time: every caller joins the open one.
 *
 * - the same user signs in → `same-user` (the failed requests are retried);
 * - someone else signs in → `other-user`, and the dashboard opens afresh for them;
 * - Cancel → `ended`: cleared, and the login page once, with `?redirect=` back here.
 */
export function createReauthentication(deps: ReauthenticationDeps) {
  const { auth, prompt, router } = deps
  let flight: Promise<ReauthOutcome | 'kept'> | null = null
  /** Whether the session is known to be over (not merely ending soon). */
  let ended = false

  function endHere(): void {
    auth.clear()
    const route = router.currentRoute.value
    // `reason` lets the sign-in page say why the user is there.
    if (!route.meta.public) void router.replace({ name: 'login', query: { redirect: route.fullPath, reason: 'ended' } })
  }

  function openDialog(reason: SignInPromptReason, previous: User): Promise<ReauthOutcome | 'kept'> {
    const answered = prompt.ask({ reason, username: previous.username })
    flight ??= (async (): Promise<ReauthOutcome | 'kept'> => {
      const answer = await answered
      if (answer.kind === 'signed-out') return 'ended'
      if (answer.kind === 'cancelled') {
        if (!ended) return 'kept'
        endHere()
        return 'ended'
      }
      if (!answer.fromOtherTab) deps.channel.post('login')
      if (answer.user.id === previous.id) return 'same-user'
      // What is on screen belonged to the other account: start the dashboard afresh.
      void router.replace({ name: 'overview' })
      return 'other-user'
    })().finally(() => {
      flight = null
      ended = false
    })
    return flight
  }

  return {
    /**
     * The server refused this session (revoked, ended, or renewal refused). Opens the
     * dialog — except where there is no work to keep (a public page, nobody signed in):
     * there it ends the session in the app at once, with one notice.
     */
    async sessionEnded(): Promise<ReauthOutcome> {
      const previous = auth.user
      if (!flight && (previous === null || router.currentRoute.value.meta.public)) {
        if (previous !== null) deps.notifier.notify({ kind: 'warning', text: errorMessages.revoked_token })
        auth.clear()
        return 'ended'
      }
      ended = true
      auth.dropToken()
      const outcome = await (previous === null ? flight : openDialog('ended', previous))
      return outcome === 'kept' || outcome === null ? 'ended' : outcome
    },

    /** "Sign in again now" before the session's absolute end: a new session; Cancel keeps the old one. */
    async signInEarly(): Promise<ReauthOutcome | 'kept'> {
      const previous = auth.user
      if (previous === null) return 'ended'
      return openDialog('ending-soon', previous)
    },

    /** Another tab signed out: close the dialog (its requests reject); that tab's broadcast shows the login page. */
    abandon(): void {
      if (prompt.isOpen) prompt.answer({ kind: 'signed-out' })
    },

    /**
     * Another tab signed in, which replaced the session the shared cookie names: pick it up.
     * An open dialog is answered with it; someone else's account opens the dashboard afresh.
     */
    async followSignIn(): Promise<void> {
      const previous = auth.user
      if (previous === null) return
      try {
        await auth.renew()
      } catch {
        return // Nothing usable in the cookie: the next request will tell.
      }
      void auth.loadLifetime()
      const now = auth.user
      if (now === null) return
      if (prompt.isOpen) prompt.answer({ kind: 'signed-in', user: now, fromOtherTab: true })
      else if (now.id !== previous.id) void router.replace({ name: 'overview' })
    },
  }
}

/** The kind of object `createReauthentication` returns. */
export type Reauthentication = ReturnType<typeof createReauthentication>

/** Provided by main.ts, for the warning's "Sign in again now". */
export const reauthenticationKey: InjectionKey<Pick<Reauthentication, 'signInEarly'>> = Symbol('reauthentication')
