import { describe, expect, it } from 'vitest'
import { KeyRing, KeyRingError, type SigningKey } from './key-ring.js'

const key = (kid: string, fill = 1, bytes = 32): SigningKey => ({ kid, secret: new Uint8Array(bytes).fill(fill) })

describe('KeyRing', () => {
  it('signs with the first key and verifies with every key', async () => {
    const ring = new KeyRing([key('new', 1), key('old', 2)])

    expect(ring.signingKey.kid).toBe('new')
    expect(ring.kids).toEqual(['new', 'old'])
    expect(ring.get('new')).toBe(ring.signingKey.key)
    const old = await ring.get('old')
    expect(old?.type).toBe('secret')
    expect(old?.algorithm).toMatchObject({ name: 'HMAC', hash: { name: 'SHA-256' } })
    expect(old?.extractable).toBe(false)
  })

  it('imports each secret once, so repeated lookups return the same key', () => {
    const ring = new KeyRing([key('a')])
    expect(ring.get('a')).toBe(ring.get('a'))
  })

  it('has no key for an unknown kid, including prototype names', () => {
    const ring = new KeyRing([key('a')])
    for (const kid of ['b', '', '__proto__', 'constructor', 'toString']) expect(ring.get(kid)).toBeUndefined()
  })

  it('is immutable', () => {
    const ring = new KeyRing([key('a')])
    expect(Object.isFrozen(ring)).toBe(true)
    expect(Object.isFrozen(ring.kids)).toBe(true)
    expect(Object.isFrozen(ring.signingKey)).toBe(true)
  })

  it('is unaffected by later changes to the secret passed in', async () => {
    const mutable = key('a', 7)
    const ring = new KeyRing([mutable])
    mutable.secret.fill(0)
    const imported = await ring.signingKey.key
    const original = await crypto.subtle.importKey('raw', new Uint8Array(32).fill(7), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign'])
    const message = new Uint8Array([1])
    const signed = await crypto.subtle.sign('HMAC', imported, message)
    const expected = await crypto.subtle.sign('HMAC', original, message)
    expect(new Uint8Array(signed)).toEqual(new Uint8Array(expected))
  })

  it.each([
    ['no keys', [], /empty/],
    ['a short secret', [key('a', 1, 31)], /key 1: secret is 31 bytes, at least 32/],
    ['a duplicate kid', [key('a', 1), key('a', 2)], /key 2: duplicate kid \(the same as key 1\)/],
    ['an empty kid', [key('')], /key 1: kid must be/],
    ['a kid with a colon', [key('a:b')], /kid must be/],
    ['a 65-character kid', [key('k'.repeat(65))], /kid must be/],
  ])('refuses %s', (_, keys, message) => {
    expect(() => new KeyRing(keys)).toThrow(KeyRingError)
    expect(() => new KeyRing(keys)).toThrow(message)
  })

  it('accepts a 64-character kid of every allowed character class', () => {
    const kid = `Az09._-${'x'.repeat(57)}`
    expect(new KeyRing([key(kid)]).kids).toEqual([kid])
  })
})
