import type { LoginOptions, SetupStatus } from '@tokenauth/shared'
import { getLoginOptions } from './auth'
import { getSetupStatus } from './setup'

/** What the sign-in page asks the server besides the form: its options and whether setup is pending. */
export interface LoginPageReads {
  readonly options: Promise<LoginOptions>
  readonly setup: Promise<SetupStatus>
}

let early: LoginPageReads | null = null

/**
 * Starts the sign-in page's reads at start-up, beside the renewal check the first
 * navigation waits for, when the app opens on that page: they are usually answered by
 * the time the form renders, so it renders whole. Call after the interceptors are installed.
 */
export function prefetchLoginPageReads(): void {
  early = { options: getLoginOptions(), setup: getSetupStatus() }
  // Failures are the page's to handle (it may never render: a live session goes on to the app).
  early.options.catch(() => undefined)
  early.setup.catch(() => undefined)
}

/** The reads started at start-up, once; after that (a later visit to the page) fresh ones. */
export function loginPageReads(): LoginPageReads {
  const reads = early ?? { options: getLoginOptions(), setup: getSetupStatus() }
  early = null
  return reads
}
