import type { LoginRequest, LoginResponse, PasskeyLoginRequest, Restriction, Role, SecondFactorLoginRequest, SecondFactorRequired, SessionView, SetupRequest, StepUpRequest, User } from '@tokenauth/shared'
import { authGetter, commitAuth, dispatchAuth, type AppStore } from '../store/typed-store'
import { currentFlight, singleFlight } from './flights'
import type { ReauthOutcome, Recovery } from './lifecycle'

/** The auth module as one typed object, instead of `dispatch('auth/…')` strings everywhere. */
export function authOf(store: AppStore) {
  return {
    get token(): string | null {
      return store.state.auth.token
    },
    get user(): User | null {
      return store.state.auth.user
    },
    /** What the session must do before anything else, or null. */
    get restriction(): Restriction | null {
      return store.state.auth.restriction
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
    /** Signs in (the other tabs follow), or answers the challenge for a second factor. */
    login: (body: LoginRequest): Promise<User | SecondFactorRequired> => dispatchAuth(store, 'login', body),
    /** Finishes a sign-in with its second factor; the other tabs follow. */
    loginSecondFactor: (body: SecondFactorLoginRequest): Promise<User> => dispatchAuth(store, 'loginSecondFactor', body),
    /** Signs in with a passkey's assertion; the other tabs follow. */
    loginWithPasskey: (body: PasskeyLoginRequest): Promise<User> => dispatchAuth(store, 'loginWithPasskey', body),
    /** Creates the first admin and signs in; the other tabs follow. */
    setup: (body: SetupRequest): Promise<User> => dispatchAuth(store, 'setup', body),
    /** A fresh proof (step-up): a new token for the same session. */
    stepUp: (body: StepUpRequest): Promise<void> => dispatchAuth(store, 'stepUp', body),
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
    setRestriction: (restriction: Restriction | null): void => commitAuth(store, 'setRestriction', restriction),
    /** The session ended: forget the token, keep the user on screen while they sign in again. */
    dropToken: (): void => commitAuth(store, 'dropToken'),
    clear: (): void => commitAuth(store, 'clear'),
    /** The lifecycle's recovery from 401s running now, to join. */
    recovery: (): Promise<Recovery> | undefined => currentFlight(store.state.auth, 'recovery'),
    /** The sign-in-again flow running now, to join. */
    reauthentication: (): Promise<ReauthOutcome | 'kept'> | undefined => currentFlight(store.state.auth, 'reauthentication'),
    /** Joins the recovery running now, or starts it with `start`: one for however many 401s. */
    recover: (start: () => Promise<Recovery>): Promise<Recovery> =>
      singleFlight(store.state.auth, 'recovery', (flight) => commitAuth(store, 'setInFlight', flight), start),
    /** Joins the sign-in-again flow running now, or starts it with `start`. */
    reauthenticate: (start: () => Promise<ReauthOutcome | 'kept'>): Promise<ReauthOutcome | 'kept'> =>
      singleFlight(store.state.auth, 'reauthentication', (flight) => commitAuth(store, 'setInFlight', flight), start),
  }
}

/** The typed facade `authOf` returns. */
export type Auth = ReturnType<typeof authOf>
