import { createHmac, randomBytes, randomInt, timingSafeEqual } from 'node:crypto'

/** How many codes a set holds. */
export const RECOVERY_CODE_COUNT = 10
/** Crockford's base32 without the look-alikes: easy to read off paper and type. */
const ALPHABET = '0123456789abcdefghjkmnpqrstvwxyz'
/** 12 characters of a 32-letter alphabet: 60 random bits per code. */
const CODE_LENGTH = 12
const SALT_BYTES = 16

/** Ten new codes, shown to the person once, as `xxxx-xxxx-xxxx`. */
export function newRecoveryCodes(): string[] {
  return Array.from({ length: RECOVERY_CODE_COUNT }, () => {
    const chars = Array.from({ length: CODE_LENGTH }, () => ALPHABET[randomInt(ALPHABET.length)] ?? '0').join('')
    return `${chars.slice(0, 4)}-${chars.slice(4, 8)}-${chars.slice(8)}`
  })
}

/** What a person may type for a code: any case, with or without the dashes and spaces. */
export function normalizeRecoveryCode(typed: string): string {
  return typed.toLowerCase().replace(/[\s-]/g, '')
}

/**
 * How a code is stored: `<salt>.<HMAC-SHA-256(salt, code)>`. A slow password hash is not
 * needed: a code is 60 random bits, not a word a person chose, so a stolen table leaves
 * 2^60 guesses per code for a fast hash as for any other; the salt keeps two accounts'
 * equal codes (or precomputed tables) from showing.
 */
export function hashRecoveryCode(code: string): string {
  const salt = randomBytes(SALT_BYTES)
  return `${salt.toString('base64url')}.${digest(salt, normalizeRecoveryCode(code)).toString('base64url')}`
}

/** Whether `typed` is the code behind `stored`, compared in constant time. */
export function recoveryCodeMatches(stored: string, typed: string): boolean {
  const [saltText = '', hashText = ''] = stored.split('.')
  const expected = Buffer.from(hashText, 'base64url')
  const actual = digest(Buffer.from(saltText, 'base64url'), normalizeRecoveryCode(typed))
  return expected.byteLength === actual.byteLength && timingSafeEqual(expected, actual)
}

function digest(salt: Buffer, code: string): Buffer {
  return createHmac('sha256', salt).update(code, 'utf8').digest()
}
