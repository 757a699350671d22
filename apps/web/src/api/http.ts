import axios from 'axios'
import { API_PREFIX } from '@tokenauth/shared'

declare module 'axios' {
  interface AxiosRequestConfig {
    /**
     * Login, refresh, logout and setup (and the login options): a 401 there is the answer
     * itself, not a lost session, so the session lifecycle leaves it alone. `tokenless`
     * ones work without an access token, so it is never renewed ahead of them (refresh
     * would wait for itself); logout `needs-token`: an expired one could not end the session.
     */
    authEndpoint?: 'tokenless' | 'needs-token'
    /** The form that made the call shows its errors in words itself: no toast for it. */
    inlineErrors?: boolean
    /**
     * Set only on a request the session lifecycle sends again, because axios copies the
     * config it is given (so the lifecycle cannot recognise the retry by object): `renewed`
     * — sent again with a renewed token, so another 401 means the session is gone;
     * `signed-in-again` — the one retry after signing in again in place, never retried again.
     */
    recovery?: 'renewed' | 'signed-in-again'
    /** Set only on the one replay of a request refused for a too-old proof, after the step-up dialog. */
    stepUp?: 'replayed'
  }
}

/** The one axios instance every endpoint function uses; main.ts installs its interceptors. */
export const http = axios.create({
  baseURL: API_PREFIX,
  // A request must settle: nothing in the UI may wait forever on a lost connection.
  timeout: 15_000,
  headers: { Accept: 'application/json' },
})
