import type { ActionContext, Module } from 'vuex'
import type { LoginAnswer, LoginRequest, LoginResponse, PasskeyLoginRequest, Restriction, Role, SecondFactorLoginRequest, SecondFactorRequired, SessionView, SetupRequest, StepUpRequest, User } from '@tokenauth/shared'
import type { AuthState, FlightName, RootState } from '../store/state'
import { markHandledGlobally } from '../api/errors'
import { commitInAuth, dispatchInAuth } from '../store/typed-store'
import { keepSessionRead, latestSessionRead, singleFlight } from './flights'

/** The calls the auth module makes; main.ts passes the real ones, tests pass fakes. */
export interface AuthApi {
  /** A session, or (for an account with a second factor) the challenge for the second step. */
  login(body: LoginRequest): Promise<LoginAnswer>
  /** The second step of a sign-in: the challenge and one factor; answers as a one-step sign-in does. */
  loginSecondFactor(body: SecondFactorLoginRequest): Promise<LoginResponse>
  /** "Sign in with a passkey": the browser's assertion; answers as a one-step sign-in. */
  loginWithPasskey(body: PasskeyLoginRequest): Promise<LoginResponse>
  refresh(): Promise<LoginResponse>
  /** A fresh proof for a new token of the same session (RFC 9470 step-up). */
  stepUp(body: StepUpRequest): Promise<LoginResponse>
  logout(): Promise<void>
  completeSetup(body: SetupRequest): Promise<LoginResponse>
  /**
   * `GET /api/session`: this sign-in's session. Only the `readSession` action calls it, so
   * the app has one owner of that read (and a page load sends it once).
   */
  getSession(): Promise<SessionView>
  /**
   * Tells the app's other tabs that this one signed in or out (sync/auth-channel.ts).
   * Only this module's actions call it: sign-in, setup and sign-out are the only
   * places a tab announces anything.
   */
  announce(event: 'login' | 'logout'): void
}

/** What one session holds: emptied by every sign-in and sign-out. */
const noSession = () => ({ token: null, expiresAt: null, user: null, restriction: null, absoluteExpiresAt: null, idleTimeoutMs: null })
const nothingInFlight = (): Record<FlightName, boolean> => ({ renewal: false, recovery: false, reauthentication: false })
const emptyState = (): AuthState => ({ ...noSession(), signIns: 0, sessionRead: null, inFlight: nothingInFlight() })

/** Every mutation, with its payload type: the typed helpers (store/typed-store.ts) are derived from these. */
export const authMutations = {
  setSession(state: AuthState, session: LoginResponse): void {
    state.token = session.token
    state.expiresAt = session.expiresAt
    state.user = session.user
    state.restriction = session.restriction ?? null
  },
  /** A new server session (sign-in or setup): its end is not known until `loadLifetime`. */
  startSession(state: AuthState, session: LoginResponse): void {
    Object.assign(state, noSession(), { token: session.token, expiresAt: session.expiresAt, user: session.user, restriction: session.restriction ?? null })
    state.signIns++
  },
  /** What the server now says the session must do first (`GET /api/me`, or a 403 with the code). */
  setRestriction(state: AuthState, restriction: Restriction | null): void {
    state.restriction = restriction
  },
  setLifetime(state: AuthState, absoluteExpiresAt: string | null): void {
    state.absoluteExpiresAt = absoluteExpiresAt
  },
  setIdleTimeout(state: AuthState, idleTimeoutMs: number | null): void {
    state.idleTimeoutMs = idleTimeoutMs
  },
  /** The session ended under the user: the token is useless, the user stays on screen. */
  dropToken(state: AuthState): void {
    state.token = null
    state.expiresAt = null
    state.absoluteExpiresAt = null
    state.idleTimeoutMs = null
  },
  /** Signed out, or the session is over: nothing of it stays, nothing in flight for it (the store drops the flights too). */
  clear(state: AuthState): void {
    Object.assign(state, noSession(), { sessionRead: null, inFlight: nothingInFlight() })
  },
  setInFlight(state: AuthState, { name, running }: { name: FlightName; running: boolean }): void {
    state.inFlight[name] = running
  },
  /** A new `GET /api/session` went out for sign-in number `signIn`. */
  startSessionRead(state: AuthState, signIn: number): void {
    state.sessionRead = { signIn, inFlight: true, shared: true }
  },
  sessionReadAnswered(state: AuthState): void {
    if (state.sessionRead) state.sessionRead.inFlight = false
  },
  /** The next page that opens reads the session afresh. */
  unshareSessionRead(state: AuthState): void {
    if (state.sessionRead) state.sessionRead.shared = false
  },
  /** The read failed: not shared, the next caller asks again. */
  forgetSessionRead(state: AuthState): void {
    state.sessionRead = null
  },
}
export type AuthMutations = typeof authMutations

/** Every getter. */
export const authGetters = {
  hasRole:
    (state: AuthState) =>
    (role: Role): boolean =>
      state.user?.roles.includes(role) ?? false,
}
export type AuthGetters = typeof authGetters

type AuthContext = ActionContext<AuthState, RootState>

/** Why a renewal answered after sign-out rejects: it must not sign back in. Nothing to tell the user (they signed out). */
function signedOutMeanwhile(): Error {
  const error = new Error('Signed out while the renewal was in flight')
  markHandledGlobally(error)
  return error
}

/**
 * The actions: sign in, set up, renew (single-flight: however many callers ask at once,
 * one refresh request goes out), restore at boot, sign out, read the session (shared: a
 * read in flight is joined, never repeated). What is in flight is in the state; the
 * promises are in `flights.ts`.
 */
function createAuthActions(api: AuthApi) {
  /** A new session from a sign-in or setup; the other tabs follow. */
  function started(ctx: AuthContext, session: LoginResponse): User {
    commitInAuth(ctx, 'startSession', session)
    void dispatchInAuth(ctx, 'loadLifetime')
    api.announce('login')
    return session.user
  }

  const actions = {
    /** Signed in, or a second factor is asked for: nothing is kept until it is given. */
    async login(ctx: AuthContext, body: LoginRequest): Promise<User | SecondFactorRequired> {
      const answer = await api.login(body)
      return 'mfaRequired' in answer ? answer : started(ctx, answer)
    },
    async loginSecondFactor(ctx: AuthContext, body: SecondFactorLoginRequest): Promise<User> {
      return started(ctx, await api.loginSecondFactor(body))
    },
    async loginWithPasskey(ctx: AuthContext, body: PasskeyLoginRequest): Promise<User> {
      return started(ctx, await api.loginWithPasskey(body))
    },
    async setup(ctx: AuthContext, body: SetupRequest): Promise<User> {
      return started(ctx, await api.completeSetup(body))
    },
    /**
     * A fresh proof of who the person is: the same session, a new token (no sign-in, so
     * nothing to tell the other tabs: their renewals carry the proof the session records).
     */
    async stepUp(ctx: AuthContext, body: StepUpRequest): Promise<void> {
      const session = await api.stepUp(body)
      // Signed out, or someone else signed in, while the proof was checked: keep nothing.
      if (ctx.state.user?.id !== session.user.id) throw signedOutMeanwhile()
      commitInAuth(ctx, 'setSession', session)
    },
    async logout(ctx: AuthContext): Promise<void> {
      try {
        if (ctx.state.token) await api.logout()
      } catch {
        // Already revoked, or the server is unreachable: the local copy goes either way.
      } finally {
        commitInAuth(ctx, 'clear')
        api.announce('logout')
      }
    },
    renew(ctx: AuthContext): Promise<string> {
      return singleFlight(
        ctx.state,
        'renewal',
        (flight) => commitInAuth(ctx, 'setInFlight', flight),
        (stillCurrent) =>
          api.refresh().then((session) => {
            if (!stillCurrent()) throw signedOutMeanwhile()
            commitInAuth(ctx, 'setSession', session)
            return session.token
          }),
      )
    },
    async restore(ctx: AuthContext): Promise<boolean> {
      try {
        await dispatchInAuth(ctx, 'renew')
      } catch {
        commitInAuth(ctx, 'clear')
        return false
      }
      void dispatchInAuth(ctx, 'loadLifetime')
      return true
    },
    /**
     * `GET /api/session`, the app's one way to read it. A read in flight is joined. With
     * `'recent'` (a page that opens) the latest answer is used too while it is shared: the
     * read at sign-in or page load is shared with the page the app lands on, until the
     * user moves on from a signed-in page (`endSharedRead`); so a load sends it once, and
     * every later page asks afresh. Every answer for the current sign-in updates when the
     * session ends. Rejects when the read fails.
     */
    readSession(ctx: AuthContext, reuse: 'fresh' | 'recent' = 'fresh'): Promise<SessionView> {
      const { state } = ctx
      const signIn = state.signIns
      const previous = state.sessionRead
      const previousRead = latestSessionRead(state)
      if (previousRead && previous?.signIn === signIn && (previous.inFlight || (reuse === 'recent' && previous.shared))) return previousRead
      const read = api.getSession()
      keepSessionRead(state, read)
      commitInAuth(ctx, 'startSessionRead', signIn)
      read.then(
        (view) => {
          if (latestSessionRead(state) === read) commitInAuth(ctx, 'sessionReadAnswered')
          // Still the same sign-in? (It may have ended, or been replaced, meanwhile.)
          if (signIn === state.signIns && state.token !== null) {
            commitInAuth(ctx, 'setLifetime', view.absoluteExpiresAt)
            commitInAuth(ctx, 'setIdleTimeout', Date.parse(view.idleExpiresAt) - Date.parse(view.lastSeenAt))
          }
        },
        () => {
          // A failed read is not shared: the next caller asks again.
          if (latestSessionRead(state) !== read) return
          keepSessionRead(state, undefined)
          commitInAuth(ctx, 'forgetSessionRead')
        },
      )
      return read
    },
    /** The user moved on: the next page that opens reads the session afresh. */
    endSharedRead(ctx: AuthContext): void {
      commitInAuth(ctx, 'unshareSessionRead')
    },
    /**
     * Reads when the session ends and its idle timeout (for the warnings). Never rejects:
     * without it the app only loses the warnings; the server enforces the ends either way.
     */
    async loadLifetime(ctx: AuthContext): Promise<void> {
      if (ctx.state.token === null) return
      try {
        await dispatchInAuth(ctx, 'readSession')
      } catch {
        // Not known: no warning, nothing else changes.
      }
    },
  }
  return actions
}
export type AuthActions = ReturnType<typeof createAuthActions>

/** The `auth` module: the access token, its expiry, its user, when the session ends, and what is in flight. */
export function createAuthModule(api: AuthApi) {
  return {
    namespaced: true,
    state: emptyState,
    getters: authGetters,
    mutations: authMutations,
    actions: createAuthActions(api),
  } satisfies Module<AuthState, RootState>
}
