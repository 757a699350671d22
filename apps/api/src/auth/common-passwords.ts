import { createRequire } from 'node:module'
import { PASSWORD_MIN_LENGTH } from '@tokenauth/shared'
import type * as LanguageCommon from '@zxcvbn-ts/language-common'

/** The list's package is required on first use, not at start: it costs about 5 MB of heap. */
const requireLazily = createRequire(import.meta.url)

/**
 * The most common passwords, lower-cased: the `passwords-common` list of
 * @zxcvbn-ts/language-common (MIT), built from Xato's corpus of 10 million leaked
 * passwords (every one seen more than ten times, ranked by frequency, about 49 000).
 * Only those long enough to be accepted at all are kept (about 18 000).
 * @see https://github.com/zxcvbn-ts/zxcvbn/blob/master/data-scripts/_generators/PasswordGenerator.ts
 */
let commonPasswords: ReadonlySet<string> | undefined

/** Whether `password` (compared in lower case) is on the list. Loads it and builds the set on first use. */
export function isCommonPassword(password: string): boolean {
  commonPasswords ??= loadCommonPasswords()
  return commonPasswords.has(password.toLowerCase())
}

function loadCommonPasswords(): ReadonlySet<string> {
  const { dictionary } = requireLazily('@zxcvbn-ts/language-common') as typeof LanguageCommon
  return new Set(dictionary['passwords-common'].filter((p) => [...p].length >= PASSWORD_MIN_LENGTH))
}

/**
 * Repeated or sequential characters ("aaaaaaaa", "12341234", "abcdefgh", "87654321"):
 * the list leaves these out because a cracker generates them, which is exactly why
 * they must be refused too (NIST SP 800-63B §3.1.1.2).
 */
export function isTrivialPattern(password: string): boolean {
  const chars = [...password.toLowerCase()]
  const n = chars.length
  for (let unit = 1; unit <= 4 && unit < n; unit++) {
    if (chars.every((c, i) => c === chars[i % unit])) return true
  }
  const codes = chars.map((c) => c.codePointAt(0) ?? 0)
  const step = (codes[1] ?? 0) - (codes[0] ?? 0)
  return (step === 1 || step === -1) && codes.every((code, i) => i === 0 || code - (codes[i - 1] ?? 0) === step)
}
