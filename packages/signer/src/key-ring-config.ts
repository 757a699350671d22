import { randomBytes } from 'node:crypto'
import { assertUsableKeys, KeyRingError, MIN_SECRET_BYTES, type SigningKey } from './key-ring.js'

const BASE64URL_PATTERN = /^[A-Za-z0-9_-]+$/

/** Strict base64url (no padding, canonical): Node's own decoder skips bad characters silently. */
function decodeBase64url(text: string): Uint8Array | undefined {
  if (!BASE64URL_PATTERN.test(text) || text.length % 4 === 1) return undefined
  const bytes = Buffer.from(text, 'base64url')
  // Re-encoding catches non-zero trailing bits, i.e. two spellings of the same secret.
  if (bytes.toString('base64url') !== text) return undefined
  return new Uint8Array(bytes)
}

/**
 * Parses key ring config text: `"kid1:<base64url secret>,kid2:<base64url secret>"`,
 * newest first (the first key signs). Whitespace around entries is ignored.
 * Throws a `KeyRingError` naming the faulty entry by position; neither secrets nor
 * kids appear in messages.
 */
export function parseKeyRing(spec: string): SigningKey[] {
  if (typeof spec !== 'string' || spec.trim() === '') {
    throw new KeyRingError('key ring is empty: expected "kid:<base64url secret>,…"')
  }
  const keys = spec.split(',').map((rawEntry, index): SigningKey => {
    const where = `key ring entry ${index + 1}`
    const entry = rawEntry.trim()
    if (entry === '') throw new KeyRingError(`${where} is empty`)
    const colon = entry.indexOf(':')
    if (colon === -1) throw new KeyRingError(`${where} is not of the form "kid:<base64url secret>"`)
    const secret = decodeBase64url(entry.slice(colon + 1))
    if (secret === undefined) throw new KeyRingError(`${where}: secret is not valid base64url`)
    return { kid: entry.slice(0, colon), secret }
  })
  assertUsableKeys(keys, 'key ring entry')
  return keys
}

/** Writes keys in the format `parseKeyRing` reads. */
export function formatKeyRing(keys: readonly SigningKey[]): string {
  assertUsableKeys(keys, 'key')
  return keys.map((key) => `${key.kid}:${Buffer.from(key.secret).toString('base64url')}`).join(',')
}

/** A fresh 256-bit key; the default kid (`k-<yyyymmdd>-<6 hex>`) says when it was made. */
export function generateSigningKey(kid?: string): SigningKey {
  const date = new Date().toISOString().slice(0, 10).replaceAll('-', '')
  const key = {
    kid: kid ?? `k-${date}-${randomBytes(3).toString('hex')}`,
    secret: new Uint8Array(randomBytes(MIN_SECRET_BYTES)),
  }
  assertUsableKeys([key], 'generated key')
  return key
}
