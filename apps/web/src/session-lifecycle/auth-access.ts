import type { Store } from 'vuex'
import type { LoginRequest, LoginResponse, Role, SessionView, SetupRequest, User } from '@tokenauth/shared'
import type { RootState } from '../store/state'
import type { AuthActions, AuthGetters, AuthMutations, PayloadArgs } from './auth-module'

type StoreLike = Pick<Store<RootState>, 'state' | 'commit' | 'dispatch' | 'getters'>

/**
 * `store.commit('auth/…')`, typed by the module's own mutations: a misspelled name, a
 * missing or a wrong payload does not compile (`auth.typing.test.ts` proves it).
 */
export function commitAuth<K extends keyof AuthMutations>(store: StoreLike, type: K, ...payload: PayloadArgs<AuthMutations[K]>): void {
  store.commit(`auth/${type}`, payload[0])
}

/** `store.dispatch('auth/…')`, typed by the module's own actions, resolving to what the action returns. */
export function dispatchAuth<K extends keyof AuthActions>(
  store: StoreLike,
  type: K,
  ...payload: PayloadArgs<AuthActions[K]>
): Promise<Awaited<ReturnType<AuthActions[K]>>> {
  return store.dispatch(`auth/${type}`, payload[0]) as Promise<Awaited<ReturnType<AuthActions[K]>>>
}

/** `store.getters['auth/…']`, typed by the module's own getters. */
export function authGetter<K extends keyof AuthGetters>(store: StoreLike, name: K): ReturnType<AuthGetters[K]> {
  return store.getters[`auth/${name}`] as ReturnType<AuthGetters[K]>
}

/** The auth module as one typed object, instead of `dispatch('auth/…')` strings everywhere. */
export function authOf(store: StoreLike) {
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
    hasRole: (role: Role): boolean => authGetter(store, 'hasRole')(role),
    /** Signs in; the other tabs follow. */
    login: (body: LoginRequest): Promise<User> => dispatchAuth(store, 'login', body),
    /** Creates the first admin and signs in; the other tabs follow. */
    setup: (body: SetupRequest): Promise<User> => dispatchAuth(store, 'setup', body),
    /** Signs out here and on the server; the other tabs follow. */
    logout: (): Promise<void> => dispatchAuth(store, 'logout'),
    /** A new access token through the HttpOnly session cookie; rejects when the session is gone. */
    renew: (): Promise<string> => dispatchAuth(store, 'renew'),
    /** At boot: renew, or end up cleanly logged out. Never rejects. */
    restore: (): Promise<boolean> => dispatchAuth(store, 'restore'),
    /**
     * `GET /api/session`, shared: a read in flight is joined; `'recent'` (a page that opens)
     * also takes the answer of the read at sign-in or page load, until `endSharedRead`.
     * Rejects when the read fails.
     */
    readSession: (reuse: 'fresh' | 'recent' = 'fresh'): Promise<SessionView> => dispatchAuth(store, 'readSession', reuse),
    /** The user moved on from a signed-in page: the next page reads the session afresh. */
    endSharedRead: (): Promise<void> => dispatchAuth(store, 'endSharedRead'),
    /** Reads when the session ends (`absoluteExpiresAt`, `idleTimeoutMs`). Never rejects. */
    loadLifetime: (): Promise<void> => dispatchAuth(store, 'loadLifetime'),
    setSession: (session: LoginResponse): void => commitAuth(store, 'setSession', session),
    /** The session ended: forget the token, keep the user on screen while they sign in again. */
    dropToken: (): void => commitAuth(store, 'dropToken'),
    clear: (): void => commitAuth(store, 'clear'),
  }
}

/** The typed facade `authOf` returns. */
export type Auth = ReturnType<typeof authOf>
