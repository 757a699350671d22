import { describe, expect, it } from 'vitest'
import { setupTokenFromHash } from './setup-link'

describe('setupTokenFromHash', () => {
  it('reads the token from the fragment, with or without #', () => {
    expect(setupTokenFromHash('#token=abc.def')).toBe('abc.def')
    expect(setupTokenFromHash('token=abc')).toBe('abc')
    expect(setupTokenFromHash('#x=1&token=abc')).toBe('abc')
  })

  it('is empty when there is none', () => {
    expect(setupTokenFromHash('')).toBe('')
    expect(setupTokenFromHash('#')).toBe('')
    expect(setupTokenFromHash('#token=')).toBe('')
    expect(setupTokenFromHash('#other=1')).toBe('')
  })
})
