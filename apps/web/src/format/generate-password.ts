/** Letters and digits no one misreads when copying by hand: no 0/O, 1/l/I. */
export const UNAMBIGUOUS_ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789'

/** 20 characters of 57: about 116 bits, past any guessing and any common-password list. */
export const GENERATED_PASSWORD_LENGTH = 20

/**
 * A password from the browser's CSPRNG (`crypto.getRandomValues`). Bytes at or past the
 * largest multiple of the alphabet's size are thrown away, so that every character is
 * equally likely (no modulo bias).
 */
export function generatePassword(
  length = GENERATED_PASSWORD_LENGTH,
  alphabet = UNAMBIGUOUS_ALPHABET,
  random: (bytes: Uint8Array<ArrayBuffer>) => Uint8Array = (bytes) => crypto.getRandomValues(bytes),
): string {
  const limit = 256 - (256 % alphabet.length)
  let out = ''
  while (out.length < length) {
    for (const byte of random(new Uint8Array(length * 2))) {
      if (byte < limit && out.length < length) out += alphabet[byte % alphabet.length]
    }
  }
  return out
}
