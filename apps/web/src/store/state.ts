import type { Restriction, User } from '@tokenauth/shared'

/** What the `auth` module keeps. */
export interface AuthState {
  /** The access token. In memory only: never in localStorage or a readable cookie (docs/web-app.md). */
  token: string | null
  /** When the server stops accepting `token` (ISO 8601). */
  expiresAt: string | null
  /**
   * Who the token belongs to. Stays while the user signs in again in place after the
   * session ended (the token is gone then), so the page keeps showing their work.
   */
  user: User | null
  /**
   * What the session must do before anything else (change the password, enrol a second
   * factor), as the server last said; the server judges it on every request whatever this says.
   */
  restriction: Restriction | null
  /** When the server session ends whatever happens (its absolute timeout, ISO 8601); null until known. */
  absoluteExpiresAt: string | null
  /** How long the session may go without a request before it ends (its idle timeout, ms); null until known. */
  idleTimeoutMs: number | null
  /**
   * Sign-ins (and setups) so far in this page: an answer of `GET /api/session` for an
   * earlier one is ignored. It only grows: were sign-out to reset it, a late answer for the
   * session before would pass for the next one's.
   */
  signIns: number
  /**
   * The latest `GET /api/session`: for which sign-in, whether it is in flight, and whether
   * a page that opens may still use its answer (`readSession`); null when there is none to
   * reuse. Its promise is in `session-lifecycle/flights.ts`.
   */
  sessionRead: SessionRead | null
  /** The single flights running now (their promises are in `session-lifecycle/flights.ts`). */
  inFlight: Record<FlightName, boolean>
}

/** One `GET /api/session`, as `AuthState.sessionRead` keeps it. */
export interface SessionRead {
  signIn: number
  inFlight: boolean
  shared: boolean
}

/**
 * What runs once however many ask: `renewal` (`POST /api/auth/refresh`, the auth module),
 * `recovery` (from 401s) and `reauthentication` (the sign-in-again dialog), both
 * `session-lifecycle/lifecycle.ts`.
 */
export type FlightName = 'renewal' | 'recovery' | 'reauthentication'

/** The whole store's state: one module per concern. */
export interface RootState {
  auth: AuthState
}
