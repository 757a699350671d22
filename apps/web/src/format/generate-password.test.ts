import { describe, expect, it } from 'vitest'
import { GENERATED_PASSWORD_LENGTH, UNAMBIGUOUS_ALPHABET, generatePassword } from './generate-password'

describe('generatePassword', () => {
  it('gives 20 characters of the unambiguous alphabet, different each time', () => {
    const a = generatePassword()
    const b = generatePassword()
    expect(a).toHaveLength(GENERATED_PASSWORD_LENGTH)
    expect(a).toMatch(/^[A-HJ-NP-Za-km-z2-9]{20}$/)
    expect(a).not.toBe(b)
    expect(UNAMBIGUOUS_ALPHABET).not.toMatch(/[0O1lI]/)
  })

  it('throws away the bytes that would bias the draw, and draws again', () => {
    // 57 letters: bytes 228..255 are thrown away. The first draw keeps only its 0.
    const draws = [[255, 228, 0, 250, 240, 230], [1, 56, 57, 227, 255, 255]]
    let call = 0
    const random = (bytes: Uint8Array<ArrayBuffer>): Uint8Array => {
      bytes.set(draws[call++] ?? [])
      return bytes
    }
    expect(generatePassword(3, UNAMBIGUOUS_ALPHABET, random)).toBe('AB9')
    expect(call).toBe(2)
  })
})
