import { randomBytes } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { generateSigningKey } from '@tokenauth/signer'
import { isPlaceholderSecret } from './secret-strength.js'

describe('isPlaceholderSecret', () => {
  it.each([
    ['32 × a', 'a'.repeat(32)],
    ['a repeated block', 'abcabcabcabcabcabcabcabcabcabcabc'],
    ['a word padded out', 'changeme'.repeat(5)],
    ['two symbols', 'abababbabaabbabababbbaababaabbabab'],
    ['all-zero key bytes', new Uint8Array(32)],
    ['key bytes of one repeated pair', new Uint8Array(32).map((_, i) => (i % 2 === 0 ? 1 : 2))],
  ])('refuses %s', (_name, value) => {
    expect(isPlaceholderSecret(value)).toBe(true)
  })

  it('accepts what pnpm keys and randomBytes make', () => {
    for (let i = 0; i < 200; i++) {
      expect(isPlaceholderSecret(randomBytes(32).toString('base64url'))).toBe(false)
      expect(isPlaceholderSecret(randomBytes(32))).toBe(false)
      expect(isPlaceholderSecret(generateSigningKey().secret)).toBe(false)
    }
  })

  it('accepts a long passphrase a person chose', () => {
    expect(isPlaceholderSecret('correct horse battery staple, then a 2nd line')).toBe(false)
  })
})
