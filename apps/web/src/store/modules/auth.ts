import type { Module, Store } from 'vuex'
import type { LoginRequest, LoginResponse, Role, SessionView, SetupRequest, User } from '@tokenauth/shared'
import type { AuthState, RootState } from '../state'

/** The calls the auth module makes; main.ts passes the real ones, tests pass fakes. */
export interface AuthApi {
  login(body: LoginRequest): Promise<LoginResponse>
  refresh(): Promise<LoginResponse>
  logout(): Promise<void>
  completeSetup(body: SetupRequest): Promise<LoginResponse>
  /** `GET /api/session`: read for the session's absolute end. */
  getSession(): Promise<SessionView>
}

const emptyState = (): AuthState => ({ token: null, expiresAt: null, user: null, absoluteExpiresAt: null, idleTimeoutMs: null })

/**
 * The `auth` module: the access token, its expiry, its user, and when the session ends.
 * `renew` is single-flight: however many callers ask at once, one refresh request goes out.
 */
export function createAuthModule(api: AuthApi): Module<AuthState, RootState> {
  let renewing: Promise<string> | null = null
  /** Counts sign-ins, so a late `GET /api/session` answer for an earlier one is ignored. */
  let signIns = 0

  return {
    namespaced: true,
    state: emptyState,
    getters: {
      isAuthenticated: (state) => state.token !== null && state.user !== null,
      roles: (state): Role[] => state.user?.roles ?? [],
    },
    mutations: {
      setSession(state, session: LoginResponse) {
        state.token = session.token
        state.expiresAt = session.expiresAt
        state.user = session.user
      },
      /** A new server session (sign-in): its end is not known until `loadLifetime`. */
      startSession(state, session: LoginResponse) {
        Object.assign(state, emptyState(), { token: session.token, expiresAt: session.expiresAt, user: session.user })
      },
      setLifetime(state, absoluteExpiresAt: string | null) {
        state.absoluteExpiresAt = absoluteExpiresAt
      },
      setIdleTimeout(state, idleTimeoutMs: number | null) {
        state.idleTimeoutMs = idleTimeoutMs
      },
      /** The session ended under the user: the token is useless, the user stays on screen. */
      dropToken(state) {
        state.token = null
        state.expiresAt = null
        state.absoluteExpiresAt = null
        state.idleTimeoutMs = null
      },
      clear(state) {
        Object.assign(state, emptyState())
      },
    },
    actions: {
      async login({ commit, dispatch }, body: LoginRequest): Promise<User> {
        const session = await api.login(body)
        signIns++
        commit('startSession', session)
        void dispatch('loadLifetime')
        return session.user
      },
      async setup({ commit, dispatch }, body: SetupRequest): Promise<User> {
        const session = await api.completeSetup(body)
        signIns++
        commit('startSession', session)
        void dispatch('loadLifetime')
        return session.user
      },
      async logout({ commit, state }): Promise<void> {
        try {
          if (state.token) await api.logout()
        } catch {
          // Already revoked, or the server is unreachable: the local copy goes either way.
        } finally {
          commit('clear')
        }
      },
      renew({ commit }): Promise<string> {
        renewing ??= api
          .refresh()
          .then((session) => {
            commit('setSession', session)
            return session.token
          })
          .finally(() => {
            renewing = null
          })
        return renewing
      },
      async restore({ commit, dispatch }): Promise<boolean> {
        try {
          await dispatch('renew')
        } catch {
          commit('clear')
          return false
        }
        void dispatch('loadLifetime')
        return true
      },
      /**
       * Reads when the session ends (for the warning before it does). Never rejects: without
       * it the app only loses the warning; the server enforces the end either way.
       */
      async loadLifetime({ commit, state }): Promise<void> {
        if (state.token === null) return
        const signIn = signIns
        try {
          const view = await api.getSession()
          // Still the same sign-in? (It may have ended, or been replaced, meanwhile.)
          if (signIn === signIns && state.token !== null) {
            commit('setLifetime', view.absoluteExpiresAt)
            commit('setIdleTimeout', Date.parse(view.idleExpiresAt) - Date.parse(view.lastSeenAt))
          }
        } catch {
          // Not known: no warning, nothing else changes.
        }
      },
    },
  }
}

/** The auth module with typed calls, instead of `dispatch('auth/…')` strings everywhere. */
export function authOf(store: Pick<Store<RootState>, 'state' | 'commit' | 'dispatch'>) {
  return {
    get token(): string | null {
      return store.state.auth.token
    },
    get user(): User | null {
      return store.state.auth.user
    },
    get expiresAt(): string | null {
      return store.state.auth.expiresAt
    },
    get absoluteExpiresAt(): string | null {
      return store.state.auth.absoluteExpiresAt
    },
    get idleTimeoutMs(): number | null {
      return store.state.auth.idleTimeoutMs
    },
    hasRole(role: Role): boolean {
      return store.state.auth.user?.roles.includes(role) ?? false
    },
    login: (body: LoginRequest): Promise<User> => store.dispatch('auth/login', body),
    setup: (body: SetupRequest): Promise<User> => store.dispatch('auth/setup', body),
    logout: (): Promise<void> => store.dispatch('auth/logout'),
    /** A new access token through the HttpOnly session cookie; rejects when the session is gone. */
    renew: (): Promise<string> => store.dispatch('auth/renew'),
    /** At boot: renew, or end up cleanly logged out. Never rejects. */
    restore: (): Promise<boolean> => store.dispatch('auth/restore'),
    /** Reads when the session ends (`absoluteExpiresAt`). Never rejects. */
    loadLifetime: (): Promise<void> => store.dispatch('auth/loadLifetime'),
    setSession: (session: LoginResponse): void => store.commit('auth/setSession', session),
    /** The session ended: forget the token, keep the user on screen while they sign in again. */
    dropToken: (): void => store.commit('auth/dropToken'),
    clear: (): void => store.commit('auth/clear'),
  }
}

/** The typed facade `authOf` returns. */
export type Auth = ReturnType<typeof authOf>
