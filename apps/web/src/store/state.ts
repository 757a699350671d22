import type { User } from '@tokenauth/shared'

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
  /** When the server session ends whatever happens (its absolute timeout, ISO 8601); null until known. */
  absoluteExpiresAt: string | null
}

/** The whole store's state: one module per concern. */
export interface RootState {
  auth: AuthState
}
