import type { Module, Store } from 'vuex'
import type { LoginRequest, LoginResponse, Role, SetupRequest, User } from '@tokenauth/shared'
import type { AuthState, RootState } from '../state'

/** The calls the auth module makes; main.ts passes the real ones, tests pass fakes. */
export interface AuthApi {
  login(body: LoginRequest): Promise<LoginResponse>
  refresh(): Promise<LoginResponse>
  logout(): Promise<void>
  completeSetup(body: SetupRequest): Promise<LoginResponse>
}

const emptyState = (): AuthState => ({ token: null, expiresAt: null, user: null })

/**
 * The `auth` module: the access token, its expiry and its user.
 * `renew` is single-flight: however many callers ask at once, one refresh request goes out.
 */
export function createAuthModule(api: AuthApi): Module<AuthState, RootState> {
  let renewing: Promise<string> | null = null

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
      clear(state) {
        Object.assign(state, emptyState())
      },
    },
    actions: {
      async login({ commit }, body: LoginRequest): Promise<User> {
        const session = await api.login(body)
        commit('setSession', session)
        return session.user
      },
      async setup({ commit }, body: SetupRequest): Promise<User> {
        const session = await api.completeSetup(body)
        commit('setSession', session)
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
          return true
        } catch {
          commit('clear')
          return false
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
    setSession: (session: LoginResponse): void => store.commit('auth/setSession', session),
    clear: (): void => store.commit('auth/clear'),
  }
}

/** The typed facade `authOf` returns. */
export type Auth = ReturnType<typeof authOf>
