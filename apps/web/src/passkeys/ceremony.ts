import type * as SimpleWebAuthn from '@simplewebauthn/browser'
import type { PasskeyAssertion, PasskeyCreationOptions, PasskeyRegistrationResponse, PasskeyRequestOptions } from '@tokenauth/shared'

type WebAuthnBrowser = typeof SimpleWebAuthn

let library: Promise<WebAuthnBrowser> | undefined

/**
 * @simplewebauthn/browser is fetched when a ceremony (or the autofill check after the
 * login form's first paint) needs it, never with the page: it is not part of /login's
 * first-paint budget. Fetched once, then shared.
 */
function webAuthn(): Promise<WebAuthnBrowser> {
  library ??= import('@simplewebauthn/browser')
  return library
}

/**
 * The browser's side of a passkey ceremony, through @simplewebauthn/browser: the server's
 * options in, the response JSON out, as `packages/shared` types it.
 */
export async function createPasskey(options: PasskeyCreationOptions): Promise<PasskeyRegistrationResponse> {
  return (await webAuthn()).startRegistration({ optionsJSON: options })
}

/** An assertion for `options`; `autofill` waits for the person to pick a passkey in the username field's suggestions. */
export async function assertWithPasskey(options: PasskeyRequestOptions, autofill = false): Promise<PasskeyAssertion> {
  return (await webAuthn()).startAuthentication({ optionsJSON: options, useBrowserAutofill: autofill })
}

/** Whether the browser offers passkeys in a field's suggestions (conditional mediation). */
export async function supportsPasskeyAutofill(): Promise<boolean> {
  return (await webAuthn()).browserSupportsWebAuthnAutofill()
}

/** Ends a ceremony still waiting (the autofill one, when the page moves on); none can be waiting before the library is in. */
export function cancelPasskeyCeremony(): void {
  void library?.then((loaded) => loaded.WebAuthnAbortService.cancelCeremony())
}

/** The person closed the browser's dialog, it timed out, or another ceremony replaced this one: nothing to report as an error. */
export function isCancelled(error: unknown): boolean {
  return error instanceof Error && (error.name === 'NotAllowedError' || error.name === 'AbortError')
}
