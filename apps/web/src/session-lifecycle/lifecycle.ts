import type { InjectionKey } from 'vue'
import type { Router } from 'vue-router'
import { isAxiosError, type InternalAxiosRequestConfig } from 'axios'
import { TOKEN_HEADER, type User } from '@tokenauth/shared'
import { codeWords, errorCodeOf, isHandledGlobally, markHandledGlobally, statusOf } from '../api/errors'
import { sanitizeRedirect } from '../router/redirect'
import type { Auth } from './auth-access'
import type { Notifier } from '../feedback/toasts'
import type { SignInPrompt, SignInPromptReason } from './sign-in-prompt'

/**
 * How a session that ended under the user was settled:
 * - `same-user`: signed in again as the same person: what failed may be sent again;
 * - `other-user`: someone else signed in: nothing of the first user's is sent for them;
 * - `ended`: not signed in (cancelled, or signed out elsewhere).
 */
export type ReauthOutcome = 'same-user' | 'other-user' | 'ended'

/** How one recovery from a 401 ended, for every request that waited on it. */
export type Recovery = 'renewed' | ReauthOutcome

/** What the lifecycle works with; tests pass fakes. */
export interface SessionLifecycleDeps {
  /** The Vuex auth module (sign in, renew single-flight, sign out, announce to other tabs). */
  auth: Pick<Auth, 'token' | 'user' | 'renew' | 'restore' | 'loadLifetime' | 'dropToken' | 'clear' | 'recovery' | 'recover' | 'reauthentication' | 'reauthenticate'>
  prompt: SignInPrompt
  router: Pick<Router, 'currentRoute' | 'replace'>
  notifier: Notifier
}

/**
 * What happens when the session is lost, renewed or ended — in one place. The Vuex auth
 * module's actions sign in, renew (single-flight) and sign out, and are the only ones
 * that tell other tabs; this controller decides what a refused request, a refused
 * renewal or another tab's news means, and runs the only other single flights (kept in
 * the store's auth state and `flights.ts`, so sign-out ends them too):
 *
 * - `recovery`: however many requests fail with 401 at once, ONE recovery — renew the
 *   token through the session cookie (unless the server said revoked), else the
 *   sign-in-again dialog — and every request waits for it;
 * - `reauthentication`: the one sign-in-again flow; every caller joins the open one.
 *   The same user signs in → `same-user` (the failed requests are retried); someone else
 *   → `other-user`, and the dashboard opens afresh; Cancel → `ended`: cleared, and the
 *   login page once, with `?redirect=` back here.
 *
 * Per-request facts (whom it was sent for, whether its renewal was already refused) are
 * kept here against the request's config object, not as flags on it. Only a retry's stage
 * rides on the config (`recovery`), because axios copies the config it is given.
 */
export function createSessionLifecycle(deps: SessionLifecycleDeps) {
  const { auth, prompt, router } = deps
  /** Whether the session is known to be over (not merely ending soon). */
  let ended = false
  /** The user each request was sent for (noted as the token is attached). */
  const sentFor = new WeakMap<InternalAxiosRequestConfig, number | null>()
  /** Requests whose renewal ahead was refused: a 401 for them means the session is gone. */
  const renewalRefused = new WeakSet<InternalAxiosRequestConfig>()

  /** Clears the session here and shows the login page, unless the page is public. */
  function endHere(reason: 'ended' | 'signed-out'): void {
    auth.clear()
    const route = router.currentRoute.value
    // `reason` lets the sign-in page say why the user is there.
    if (!route.meta.public) void router.replace({ name: 'login', query: { redirect: route.fullPath, reason } })
  }

  function openDialog(reason: SignInPromptReason, previous: User): Promise<ReauthOutcome | 'kept'> {
    const answered = prompt.ask({ reason, username: previous.username })
    return auth.reauthenticate(() => (async (): Promise<ReauthOutcome | 'kept'> => {
      const answer = await answered
      if (answer.kind === 'signed-out') return 'ended'
      if (answer.kind === 'cancelled') {
        if (!ended) return 'kept'
        endHere('ended')
        return 'ended'
      }
      // A sign-in in the dialog went through the store's login action, which told the other tabs.
      if (answer.user.id === previous.id) return 'same-user'
      // What is on screen belonged to the other account: start the dashboard afresh.
      void router.replace({ name: 'overview' })
      return 'other-user'
    })().finally(() => {
      ended = false
    }))
  }

  function recover(mayRenew: boolean): Promise<Recovery> {
    return auth.recover(async (): Promise<Recovery> => {
      if (mayRenew) {
        try {
          await auth.renew()
          return 'renewed'
        } catch (renewError) {
          // No answer, 5xx, 429: the session may well be alive; nobody is signed out for that.
          if (statusOf(renewError) !== 401) throw renewError
        }
      }
      return lifecycle.sessionEnded()
    })
  }

  /** Whether the signed-in user is still the one the request was sent for. */
  function sameUser(config: InternalAxiosRequestConfig): boolean {
    const user = sentFor.get(config)
    return user === undefined || user === null || auth.user?.id === user
  }

  /** Rejects with the request's own error, marked as already told (a toast or the dialog said why). */
  function quietly(error: unknown): never {
    markHandledGlobally(error)
    throw error
  }

  const lifecycle = {
    /** Whether the request went out for the person signed in now (a step-up replays only for them). */
    sentForCurrentUser(config: InternalAxiosRequestConfig): boolean {
      const user = sentFor.get(config)
      return user !== undefined && user !== null && auth.user?.id === user
    },

    /** A request is about to go out (its token attached): note whom it is for. */
    noteSent(config: InternalAxiosRequestConfig): void {
      sentFor.set(config, auth.user?.id ?? null)
    },

    /**
     * Renews ahead of a request whose token is about to expire (single-flight in the
     * store); whether it renewed. Never rejects: a refusal is noted, so the 401 path does
     * not ask the cookie again.
     */
    async renewBefore(config: InternalAxiosRequestConfig): Promise<boolean> {
      try {
        await auth.renew()
        return true
      } catch (error) {
        if (statusOf(error) === 401) renewalRefused.add(config)
        return false
      }
    },

    /**
     * A request was refused with 401. Resolves with the config to send it again with (the
     * token renewed, or the same user signed in again), or rejects with its own error.
     * Every request settles; none is ever retried for a user other than the one it was for.
     */
    async recoverFrom(error: unknown, config: InternalAxiosRequestConfig): Promise<InternalAxiosRequestConfig> {
      if (!sameUser(config)) return quietly(error) // Someone else has signed in since.
      const stage = config.recovery ?? (renewalRefused.has(config) ? 'renewed' : undefined)
      let outcome: Recovery
      try {
        const recovering = auth.recovery()
        if (recovering) {
          // Another request is already recovering: wait for it (renewal, or the dialog).
          outcome = await recovering
        } else {
          const current = auth.token
          // The session already ended (this request was in flight while it did): stay quiet.
          if (current === null && auth.user === null) return quietly(error)
          // Renewed meanwhile by another request's flight: just try again with the new token.
          if (current !== null && current !== config.headers.get(TOKEN_HEADER) && stage === undefined) return { ...config, recovery: 'renewed' }
          outcome = await recover(current !== null && errorCodeOf(error) !== 'revoked_token' && stage === undefined)
        }
      } catch (renewError) {
        // A renewal that got no usable answer: the request fails with its own error, quietly if a toast already said why.
        if (isHandledGlobally(renewError)) markHandledGlobally(error)
        throw error
      }
      const retryable = (outcome === 'renewed' || (outcome === 'same-user' && stage !== 'signed-in-again')) && sameUser(config)
      if (!retryable) return quietly(error)
      return { ...config, recovery: stage === 'signed-in-again' || outcome === 'same-user' ? 'signed-in-again' : 'renewed' }
    },

    /**
     * The server refused this session (revoked, ended, or renewal refused). Opens the
     * dialog — except where there is no work to keep (a public page, nobody signed in):
     * there it ends the session in the app at once, with one notice.
     */
    async sessionEnded(): Promise<ReauthOutcome> {
      const previous = auth.user
      const reauthenticating = auth.reauthentication()
      if (!reauthenticating && (previous === null || router.currentRoute.value.meta.public)) {
        if (previous !== null) deps.notifier.notify({ kind: 'warning', text: codeWords('revoked_token') })
        auth.clear()
        return 'ended'
      }
      ended = true
      auth.dropToken()
      const outcome = await (previous === null ? reauthenticating : openDialog('ended', previous))
      return outcome === 'kept' || outcome === undefined ? 'ended' : outcome
    },

    /** "Sign in again now" before the session's absolute end: a new session; Cancel keeps the old one. */
    async signInEarly(): Promise<ReauthOutcome | 'kept'> {
      const previous = auth.user
      if (previous === null) return 'ended'
      return openDialog('ending-soon', previous)
    },

    /**
     * Another tab signed out (the server already revoked this tab's token): end the
     * session here too and show the login page — straight away, no sign-in-again dialog:
     * it was meant. An open dialog is closed (its requests reject).
     */
    followSignOut(): void {
      if (auth.user === null) return
      if (prompt.isOpen) prompt.answer({ kind: 'signed-out' })
      endHere('signed-out')
    },

    /**
     * Another tab signed in, which replaced the session the shared cookie names: pick it up.
     * On the login page this tab goes on to where it was headed; signed in, it moves onto
     * the new session (an open dialog is answered with it); someone else's account opens
     * the dashboard afresh.
     */
    async followSignIn(): Promise<void> {
      const previous = auth.user
      if (previous === null) {
        if (!router.currentRoute.value.meta.guestOnly) return
        const restored = await auth.restore()
        const now = router.currentRoute.value
        if (restored && now.meta.guestOnly) void router.replace(sanitizeRedirect(now.query.redirect) ?? { name: 'overview' })
        return
      }
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
  return lifecycle
}

/** The kind of object `createSessionLifecycle` returns. */
export type SessionLifecycle = ReturnType<typeof createSessionLifecycle>

/** Provided by main.ts, for the warning's "Sign in again now". */
export const sessionLifecycleKey: InjectionKey<Pick<SessionLifecycle, 'signInEarly'>> = Symbol('sessionLifecycle')

/**
 * Whether an error is a 401 the lifecycle should recover from: not an auth endpoint's own
 * answer, and not a step-up refusal (the session is fine; `step-up-recovery.ts` asks).
 */
export function isLostSession(error: unknown): error is { config: InternalAxiosRequestConfig } {
  return (
    isAxiosError(error) &&
    statusOf(error) === 401 &&
    error.config !== undefined &&
    !error.config.authEndpoint &&
    errorCodeOf(error) !== 'insufficient_user_authentication'
  )
}
