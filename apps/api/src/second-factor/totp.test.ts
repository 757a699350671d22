import { describe, expect, it } from 'vitest'
import { newTotpSecret, totpCode, totpStep, totpUri } from './totp.js'

/** RFC 6238 appendix B, SHA-1, secret "12345678901234567890": the 8-digit values, of which a 6-digit code is the last six. */
const RFC_SECRET = 'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ'
const VECTORS: [seconds: number, code: string][] = [
  [59, '94287082'],
  [1111111109, '07081804'],
  [1111111111, '14050471'],
  [1234567890, '89005924'],
  [2000000000, '69279037'],
  [20000000000, '65353130'],
]

describe('TOTP', () => {
  it.each(VECTORS)('matches RFC 6238 at %i s', (seconds, code) => {
    expect(totpCode(RFC_SECRET, seconds * 1000)).toBe(code.slice(2))
    expect(totpStep(RFC_SECRET, code.slice(2), seconds * 1000)).toBe(Math.floor(seconds / 30))
  })

  it('accepts one step of drift either way, and no more', () => {
    const now = 1_767_258_000_000
    expect(totpStep(RFC_SECRET, totpCode(RFC_SECRET, now - 30_000), now)).toBe(now / 30_000 - 1)
    expect(totpStep(RFC_SECRET, totpCode(RFC_SECRET, now + 30_000), now)).toBe(now / 30_000 + 1)
    expect(totpStep(RFC_SECRET, totpCode(RFC_SECRET, now - 60_000), now)).toBeNull()
    expect(totpStep(RFC_SECRET, totpCode(RFC_SECRET, now + 60_000), now)).toBeNull()
  })

  it('makes 160-bit secrets and the URI apps read', () => {
    const secret = newTotpSecret()
    expect(secret).toMatch(/^[A-Z2-7]{32}$/)
    expect(newTotpSecret()).not.toBe(secret)
    expect(totpUri(secret, 'tokenauth', 'alice')).toBe(`otpauth://totp/tokenauth:alice?issuer=tokenauth&secret=${secret}&algorithm=SHA1&digits=6&period=30`)
  })
})
