import { Secret, TOTP } from 'otpauth'
import { renderSVG } from 'uqr'

/**
 * What every authenticator app reads: SHA-1, 6 digits, 30-second steps (RFC 6238's
 * defaults). One step of clock drift either way is accepted.
 */
const ALGORITHM = 'SHA1'
const DIGITS = 6
const PERIOD_SECONDS = 30
const WINDOW_STEPS = 1
/** RFC 4226 asks for at least 128 bits and recommends 160: the length of an SHA-1 key. */
const SECRET_BYTES = 20

/** A new random secret, in base32 (what the URI and the text shown to the person carry). */
export function newTotpSecret(): string {
  return new Secret({ size: SECRET_BYTES }).base32
}

function totpFor(secret: string, issuer = '', account = ''): TOTP {
  return new TOTP({ issuer, label: account, secret: Secret.fromBase32(secret), algorithm: ALGORITHM, digits: DIGITS, period: PERIOD_SECONDS })
}

/** The `otpauth://totp/…` URI an authenticator app scans. */
export function totpUri(secret: string, issuer: string, account: string): string {
  return totpFor(secret, issuer, account).toString()
}

/** The URI as a QR code, an SVG document (no script, no external reference). */
export function totpQrSvg(uri: string): string {
  return renderSVG(uri, { border: 2, pixelSize: 6 })
}

/**
 * The time step (30-second counter) `code` belongs to, within one step of `now`; null
 * when it matches none. The caller accepts it only if that step is newer than the last
 * one accepted for the account, which makes every code single-use.
 */
export function totpStep(secret: string, code: string, now: number): number | null {
  const totp = totpFor(secret)
  const delta = totp.validate({ token: code, timestamp: now, window: WINDOW_STEPS })
  return delta === null ? null : totp.counter({ timestamp: now }) + delta
}

/** The code for `now` (tests, and nothing else, compute codes). */
export function totpCode(secret: string, now: number): string {
  return totpFor(secret).generate({ timestamp: now })
}
