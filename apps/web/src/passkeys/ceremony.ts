import { startAuthentication, startRegistration, WebAuthnAbortService } from '@simplewebauthn/browser'
import type { PasskeyAssertion, PasskeyCreationOptions, PasskeyRegistrationResponse, PasskeyRequestOptions } from '@tokenauth/shared'

/**
 * The browser's side of a passkey ceremony, through @simplewebauthn/browser: the server's
 * options in, the response JSON out, as `packages/shared` types it.
 */
export function createPasskey(options: PasskeyCreationOptions): Promise<PasskeyRegistrationResponse> {
  return startRegistration({ optionsJSON: options })
}

/** An assertion for `options`; `autofill` waits for the person to pick a passkey in the username field's suggestions. */
export function assertWithPasskey(options: PasskeyRequestOptions, autofill = false): Promise<PasskeyAssertion> {
  return startAuthentication({ optionsJSON: options, useBrowserAutofill: autofill })
}

/** Ends a ceremony still waiting (the autofill one, when the page moves on). */
export function cancelPasskeyCeremony(): void {
  WebAuthnAbortService.cancelCeremony()
}

/** The person closed the browser's dialog, it timed out, or another ceremony replaced this one: nothing to report as an error. */
export function isCancelled(error: unknown): boolean {
  return error instanceof Error && (error.name === 'NotAllowedError' || error.name === 'AbortError')
}
