import { describe, expect, it } from 'vitest'
import { checkNewPassword } from './password-policy.js'
import { isTrivialPattern } from './common-passwords.js'

describe('checkNewPassword', () => {
  it.each(['correct horse battery', 'a brand new passphrase', 'Tr0ub4dor&3 but longer', 'x'.repeat(255) + 'y', 'ünïcödé pässwörd'])(
    'accepts %j',
    (password) => {
      expect(checkNewPassword(password, { username: 'alice' })).toEqual({ ok: true })
    },
  )

  it.each([
    ['too short', 'seven77', /at least 8 characters/],
    ['too long', 'p'.repeat(257), /at most 256 characters/],
    ['the username', 'Alice-Smith', /other than the username/],
    ['the username with digits and symbols around it', '2024alice-smith!!', /other than the username/],
    ['the name of the service', 'TokenAuth2025', /name of this service/],
    ['a common password', 'password1', /most common passwords/],
    ['a common password in other case', 'PassWord1', /most common passwords/],
    ['a common password', 'iloveyou', /most common passwords/],
    ['a common password', 'qwertyuiop', /most common passwords/],
    ['repeated characters', 'aaaaaaaaaaaa', /Repeated or sequential/],
    ['a repeated group', '12341234', /Repeated or sequential/],
    ['a sequence', 'abcdefgh', /Repeated or sequential/],
    ['a falling sequence', '87654321', /Repeated or sequential/],
  ])('refuses %s (%j), saying what to do', (_label, password, message) => {
    const check = checkNewPassword(password, { username: 'alice-smith' })
    expect(check.ok).toBe(false)
    if (!check.ok) {
      expect(check.message).toMatch(message)
      expect(check.message).toMatch(/Use|Choose/)
    }
  })

  it('counts characters, not UTF-16 units: eight emoji are eight characters', () => {
    expect(checkNewPassword('🐴🔋📎🏇🐎🔌🖇🐫')).toEqual({ ok: true })
    expect(checkNewPassword('🐴🔋📎🏇🐎🔌🖇').ok).toBe(false)
  })
})

describe('isTrivialPattern', () => {
  it('finds repeats of up to four characters and steps of one, nothing else', () => {
    expect(['zzzzzzzz', 'abababab', 'abcabcabc', 'qwerqwer', '23456789', 'zyxwvuts'].every(isTrivialPattern)).toBe(true)
    expect(['abcdeabcde', 'acegikmo', 'correct horse', 'abcdefgx'].some(isTrivialPattern)).toBe(false)
  })
})
