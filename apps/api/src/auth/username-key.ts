import { USERNAME_MAX_LENGTH, USERNAME_PATTERN } from '@tokenauth/shared'

const USERNAME_RULE = new RegExp(USERNAME_PATTERN)

/**
 * The one spelling of a username that both engines match and the sign-in throttle counts
 * under: the name lower-cased in ASCII, or undefined when it breaks the username rule
 * (`USERNAME_PATTERN` in the shared package: ASCII letters, digits, `.`, `_`, `-`). Only ASCII is
 * ever stored, so a name outside the rule names no account; refusing it before any lookup
 * keeps each engine's case folding (PostgreSQL's `lower('İ')` is `i`, JavaScript's is
 * `i̇`) from giving one account several throttle keys.
 */
export function usernameKey(name: string): string | undefined {
  if (name.length > USERNAME_MAX_LENGTH || !USERNAME_RULE.test(name)) return undefined
  return name.replace(/[A-Z]/g, (letter) => letter.toLowerCase())
}

/** The throttle key every name outside the username rule shares: it names no account. */
export const REFUSED_NAME_KEY = '\u0000refused'
