import axios from 'axios'
import { API_PREFIX } from '@tokenauth/shared'

declare module 'axios' {
  interface AxiosRequestConfig {
    /**
     * Login, refresh, logout and setup: a 401 there is the answer itself, not a lost
     * session, so the session-recovery interceptor leaves it alone.
     */
    authEndpoint?: boolean
    /**
     * Login, refresh and setup work without an access token: the token is never renewed
     * ahead of them (refresh would wait for itself).
     */
    tokenless?: boolean
    /** The form that made the call shows its errors in words itself: no toast for it. */
    inlineErrors?: boolean
    /**
     * The user this request was sent for (set by the token interceptor). A request is
     * never retried for another user: what it carried belonged to the one who sent it.
     */
    sentForUserId?: number | null
    /**
     * How far recovery already went for this request: `renewed` — the token was renewed
     * once (ahead of sending, or after a 401), so another 401 means the session is gone,
     * not that the token is old; `signed-in-again` — this is the one retry after signing
     * in again in place, never retried again.
     */
    recovery?: 'renewed' | 'signed-in-again'
  }
}

/** The one axios instance every endpoint function uses; main.ts installs its interceptors. */
export const http = axios.create({
  baseURL: API_PREFIX,
  // A request must settle: nothing in the UI may wait forever on a lost connection.
  timeout: 15_000,
  headers: { Accept: 'application/json' },
})
