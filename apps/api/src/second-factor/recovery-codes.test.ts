import { describe, expect, it } from 'vitest'
import { hashRecoveryCode, newRecoveryCodes, recoveryCodeMatches } from './recovery-codes.js'

describe('recovery codes', () => {
  it('makes ten different codes of 60 random bits, shown as xxxx-xxxx-xxxx', () => {
    const codes = newRecoveryCodes()
    expect(codes).toHaveLength(10)
    expect(new Set(codes).size).toBe(10)
    for (const code of codes) expect(code).toMatch(/^[0-9a-hjkmnp-tv-z]{4}-[0-9a-hjkmnp-tv-z]{4}-[0-9a-hjkmnp-tv-z]{4}$/)
  })

  it('stores a salted hash that matches the code however it is typed, and nothing else', () => {
    const [code = ''] = newRecoveryCodes()
    const stored = hashRecoveryCode(code)
    expect(stored).not.toContain(code.replaceAll('-', ''))
    expect(hashRecoveryCode(code)).not.toBe(stored)
    expect(recoveryCodeMatches(stored, code)).toBe(true)
    expect(recoveryCodeMatches(stored, ` ${code.toUpperCase().replaceAll('-', '')} `)).toBe(true)
    expect(recoveryCodeMatches(stored, code.slice(0, -1) + (code.endsWith('0') ? '1' : '0'))).toBe(false)
    expect(recoveryCodeMatches('garbage', code)).toBe(false)
  })
})
