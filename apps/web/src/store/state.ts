import type { User } from '@tokenauth/shared'

/** What the `auth` module keeps. */
export interface AuthState {
  /** The access token. In memory only: never in localStorage or a readable cookie (README). */
  token: string | null
  /** When the server stops accepting `token` (ISO 8601). */
  expiresAt: string | null
  /** Who the token belongs to. */
  user: User | null
}

/** The whole store's state: one module per concern. */
export interface RootState {
  auth: AuthState
}
