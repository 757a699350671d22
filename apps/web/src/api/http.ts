import axios from 'axios'
import { API_PREFIX } from '@tokenauth/shared'

declare module 'axios' {
  interface AxiosRequestConfig {
    /**
     * Login, refresh, logout and setup: a 401 there is the answer itself, not a lost
     * session, so the session-recovery interceptor leaves it alone.
     */
    authEndpoint?: boolean
    /** The form that made the call shows its errors in words itself: no toast for it. */
    inlineErrors?: boolean
    /** Set on the one retry after the access token was renewed; never retried again. */
    retriedAfterRenew?: boolean
  }
}

/** The one axios instance every endpoint function uses; main.ts installs its interceptors. */
export const http = axios.create({
  baseURL: API_PREFIX,
  // A request must settle: nothing in the UI may wait forever on a lost connection.
  timeout: 15_000,
  headers: { Accept: 'application/json' },
})
