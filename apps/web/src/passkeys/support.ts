/** Why this page cannot use passkeys: each has a one-line reason in the message files (`passkeys.unavailable.*`). */
export type PasskeyUnavailable = 'insecure' | 'ip_address' | 'unsupported'

/** What the check reads of the page (the window; tests pass their own). */
export interface PageContext {
  readonly isSecureContext: boolean
  readonly location: { readonly hostname: string }
}

/**
 * The test @simplewebauthn/browser's `browserSupportsWebAuthn` makes, here without the
 * library: this check runs as /login first paints, and the library is fetched only when
 * a ceremony starts (ceremony.ts).
 */
function browserHasWebAuthn(): boolean {
  return typeof globalThis.PublicKeyCredential === 'function'
}

const IPV4 = /^[0-9]{1,3}(\.[0-9]{1,3}){3}$/

/**
 * Whether passkeys can work on this page, and if not, why: WebAuthn needs a secure
 * context (https, or localhost) and a domain name as relying-party ID, never an IP
 * address (http://127.0.0.1:3000 is secure, yet no passkey can be made there).
 */
export function passkeyUnavailable(page: PageContext = window, supported: () => boolean = browserHasWebAuthn): PasskeyUnavailable | null {
  if (!page.isSecureContext) return 'insecure'
  const host = page.location.hostname
  if (IPV4.test(host) || host.includes(':') || host.startsWith('[')) return 'ip_address'
  return supported() ? null : 'unsupported'
}
