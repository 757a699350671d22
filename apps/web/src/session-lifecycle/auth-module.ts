import type { ActionContext, Commit, Module } from 'vuex'
import type { LoginRequest, LoginResponse, Role, SessionView, SetupRequest, User } from '@tokenauth/shared'
import type { AuthState, RootState } from '../store/state'

/** The calls the auth module makes; main.ts passes the real ones, tests pass fakes. */
export interface AuthApi {
  login(body: LoginRequest): Promise<LoginResponse>
  refresh(): Promise<LoginResponse>
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

const emptyState = (): AuthState => ({ token: null, expiresAt: null, user: null, absoluteExpiresAt: null, idleTimeoutMs: null })

/** Every mutation, with its payload type: the typed helpers below are derived from these. */
export const authMutations = {
  setSession(state: AuthState, session: LoginResponse): void {
    state.token = session.token
    state.expiresAt = session.expiresAt
    state.user = session.user
  },
  /** A new server session (sign-in): its end is not known until `loadLifetime`. */
  startSession(state: AuthState, session: LoginResponse): void {
    Object.assign(state, emptyState(), { token: session.token, expiresAt: session.expiresAt, user: session.user })
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
  clear(state: AuthState): void {
    Object.assign(state, emptyState())
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

/** The arguments after the state or context: none, or exactly the one payload. */
export type PayloadArgs<F> = F extends (first: never, ...rest: infer Rest) => unknown ? Rest : never

type AuthContext = ActionContext<AuthState, RootState>

/** `commit` inside the module, typed by `authMutations`. */
function typedCommit(commit: Commit) {
  return <K extends keyof AuthMutations>(type: K, ...payload: PayloadArgs<AuthMutations[K]>): void => commit(type, payload[0])
}

/**
 * One `GET /api/session`: for which sign-in, whether it is still in flight, and whether a
 * page that opens may still use it instead of asking again (see `readSession`).
 */
interface SessionRead {
  signIn: number
  promise: Promise<SessionView>
  inFlight: boolean
  shared: boolean
}

/**
 * The actions: sign in, set up, renew (single-flight: however many callers ask at once,
 * one refresh request goes out), restore at boot, sign out, read the session (shared: a
 * read in flight is joined, never repeated).
 */
function createAuthActions(api: AuthApi) {
  let renewing: Promise<string> | null = null
  /** Counts sign-ins, so a late `GET /api/session` answer for an earlier one is ignored. */
  let signIns = 0
  /** The latest `GET /api/session`, for the callers that come while it is in flight or just after. */
  let lastRead: SessionRead | null = null

  /** A new session from a sign-in or setup; the other tabs follow. */
  function started(ctx: AuthContext, session: LoginResponse): User {
    signIns++
    typedCommit(ctx.commit)('startSession', session)
    void ctx.dispatch('loadLifetime' satisfies keyof AuthActions)
    api.announce('login')
    return session.user
  }

  const actions = {
    async login(ctx: AuthContext, body: LoginRequest): Promise<User> {
      return started(ctx, await api.login(body))
    },
    async setup(ctx: AuthContext, body: SetupRequest): Promise<User> {
      return started(ctx, await api.completeSetup(body))
    },
    async logout({ commit, state }: AuthContext): Promise<void> {
      try {
        if (state.token) await api.logout()
      } catch {
        // Already revoked, or the server is unreachable: the local copy goes either way.
      } finally {
        lastRead = null
        typedCommit(commit)('clear')
        api.announce('logout')
      }
    },
    renew({ commit }: AuthContext): Promise<string> {
      renewing ??= api
        .refresh()
        .then((session) => {
          typedCommit(commit)('setSession', session)
          return session.token
        })
        .finally(() => {
          renewing = null
        })
      return renewing
    },
    async restore({ commit, dispatch }: AuthContext): Promise<boolean> {
      try {
        await dispatch('renew' satisfies keyof AuthActions)
      } catch {
        typedCommit(commit)('clear')
        return false
      }
      void dispatch('loadLifetime' satisfies keyof AuthActions)
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
    readSession({ commit, state }: AuthContext, reuse: 'fresh' | 'recent' = 'fresh'): Promise<SessionView> {
      const signIn = signIns
      const previous = lastRead
      if (previous?.signIn === signIn && (previous.inFlight || (reuse === 'recent' && previous.shared))) return previous.promise
      const read: SessionRead = { signIn, promise: api.getSession(), inFlight: true, shared: true }
      lastRead = read
      read.promise.then(
        (view) => {
          read.inFlight = false
          // Still the same sign-in? (It may have ended, or been replaced, meanwhile.)
          if (signIn === signIns && state.token !== null) {
            typedCommit(commit)('setLifetime', view.absoluteExpiresAt)
            typedCommit(commit)('setIdleTimeout', Date.parse(view.idleExpiresAt) - Date.parse(view.lastSeenAt))
          }
        },
        () => {
          // A failed read is not shared: the next caller asks again.
          if (lastRead === read) lastRead = null
        },
      )
      return read.promise
    },
    /** The user moved on: the next page that opens reads the session afresh. */
    endSharedRead(): void {
      if (lastRead) lastRead.shared = false
    },
    /**
     * Reads when the session ends and its idle timeout (for the warnings). Never rejects:
     * without it the app only loses the warnings; the server enforces the ends either way.
     */
    async loadLifetime({ dispatch, state }: AuthContext): Promise<void> {
      if (state.token === null) return
      try {
        await dispatch('readSession' satisfies keyof AuthActions)
      } catch {
        // Not known: no warning, nothing else changes.
      }
    },
  }
  return actions
}
export type AuthActions = ReturnType<typeof createAuthActions>

/** The `auth` module: the access token, its expiry, its user, and when the session ends. */
export function createAuthModule(api: AuthApi) {
  return {
    namespaced: true,
    state: emptyState,
    getters: authGetters,
    mutations: authMutations,
    actions: createAuthActions(api),
  } satisfies Module<AuthState, RootState>
}
