import { PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH } from '@tokenauth/shared'

export type PasswordCheck = { ok: true } | { ok: false; message: string }

/**
 * The rules for a password being set (not for logging in): length only, by NIST
 * SP 800-63B — no composition rules, nothing truncated — and not the username itself.
 */
export function checkNewPassword(password: string, context: { username?: string } = {}): PasswordCheck {
  const length = [...password].length
  if (length < PASSWORD_MIN_LENGTH) return { ok: false, message: `Use at least ${PASSWORD_MIN_LENGTH} characters.` }
  if (length > PASSWORD_MAX_LENGTH) return { ok: false, message: `Use at most ${PASSWORD_MAX_LENGTH} characters.` }
  if (context.username && password.toLowerCase() === context.username.toLowerCase()) {
    return { ok: false, message: 'The password must not be the username.' }
  }
  return { ok: true }
}
