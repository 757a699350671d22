import { PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH } from '@tokenauth/shared'
import { isCommonPassword, isTrivialPattern } from './common-passwords.js'

export type PasswordCheck = { ok: true } | { ok: false; message: string }

const ADVICE = 'A few unrelated words make a password that is long, easy to remember and hard to guess.'

/** Words of this service an attacker tries first (ASVS 5.0 §6.1.2); the username joins them. */
export const CONTEXT_WORDS: readonly string[] = ['tokenauth']

/** The password without the digits and symbols around it, in lower case: "Alice2024!" → "alice". */
function core(password: string): string {
  return password
    .trim()
    .toLowerCase()
    .replace(/^[^\p{L}]+|[^\p{L}]+$/gu, '')
}

/**
 * The rules for a password being set (never for logging in, so old passwords still
 * work), after NIST SP 800-63B: 8 to 256 characters, nothing truncated, no composition
 * rules; not the username or the service's name (give or take digits and symbols around
 * them), not one of the most common passwords, not a run of repeated
 * or sequential characters. The message says what to do instead.
 */
export function checkNewPassword(password: string, context: { username?: string } = {}): PasswordCheck {
  const length = [...password].length
  if (length < PASSWORD_MIN_LENGTH) return { ok: false, message: `Use at least ${PASSWORD_MIN_LENGTH} characters. ${ADVICE}` }
  if (length > PASSWORD_MAX_LENGTH) return { ok: false, message: `Use at most ${PASSWORD_MAX_LENGTH} characters.` }
  const words = [...CONTEXT_WORDS, ...(context.username ? [context.username.toLowerCase()] : [])]
  if (words.includes(core(password)) || words.includes(password.trim().toLowerCase())) {
    return { ok: false, message: `Choose a password other than the username or the name of this service. ${ADVICE}` }
  }
  if (isCommonPassword(password)) {
    return { ok: false, message: `This is one of the most common passwords, so it is among the first an attacker tries. Choose another. ${ADVICE}` }
  }
  if (isTrivialPattern(password)) {
    return { ok: false, message: `Repeated or sequential characters are among the first guesses an attacker tries. Choose another. ${ADVICE}` }
  }
  return { ok: true }
}
