import { describe, expect, it } from 'vitest'
import { generateSigningKey } from '@tokenauth/signer'
import { DataKeyError, DataKeyRing, formatDataKeys, generateDataKey, parseDataKeys } from './data-keys.js'

describe('DataKeyRing', () => {
  it('opens what it sealed, with a fresh IV each time', () => {
    const ring = new DataKeyRing([generateDataKey()])
    const a = ring.seal('JBSWY3DPEHPK3PXP', 'totp:1')
    const b = ring.seal('JBSWY3DPEHPK3PXP', 'totp:1')
    expect(a).not.toBe(b)
    expect(a).not.toContain('JBSWY3DPEHPK3PXP')
    expect(ring.open(a, 'totp:1')).toBe('JBSWY3DPEHPK3PXP')
    expect(ring.open(b, 'totp:1')).toBe('JBSWY3DPEHPK3PXP')
  })

  it('rotates: the first key seals, every key opens, and a blob names its key', () => {
    const old = generateDataKey()
    const before = new DataKeyRing([old])
    const blob = before.seal('secret', 'totp:7')
    const rotated = new DataKeyRing([generateDataKey(), old])
    expect(rotated.open(blob, 'totp:7')).toBe('secret')
    expect(rotated.isStale(blob)).toBe(true)
    const fresh = rotated.seal('secret', 'totp:7')
    expect(fresh.split(':')[1]).toBe(rotated.currentKid)
    expect(rotated.isStale(fresh)).toBe(false)
    // Once the old key leaves the ring, its blobs no longer open.
    expect(() => new DataKeyRing([generateDataKey()]).open(blob, 'totp:7')).toThrow(DataKeyError)
  })

  it('refuses an altered blob: ciphertext, tag or IV', () => {
    const ring = new DataKeyRing([generateDataKey()])
    const blob = ring.seal('secret', 'totp:1')
    const [version, kid, iv = '', sealed = ''] = blob.split(':')
    const flip = (text: string, at: number): string => {
      const bytes = Buffer.from(text, 'base64url')
      bytes[at] = (bytes[at] ?? 0) ^ 1
      return bytes.toString('base64url')
    }
    const sealedBytes = Buffer.from(sealed, 'base64url').byteLength
    for (const altered of [
      [version, kid, iv, flip(sealed, 0)],
      [version, kid, iv, flip(sealed, sealedBytes - 1)],
      [version, kid, flip(iv, 0), sealed],
    ]) {
      expect(() => ring.open(altered.join(':'), 'totp:1')).toThrow(DataKeyError)
    }
  })

  it('refuses a blob under another key with the same id, or bound to another context', () => {
    const key = generateDataKey()
    const blob = new DataKeyRing([key]).seal('secret', 'totp:1')
    const impostor = new DataKeyRing([generateSigningKey(key.kid)])
    expect(() => impostor.open(blob, 'totp:1')).toThrow(DataKeyError)
    expect(() => new DataKeyRing([key]).open(blob, 'totp:2')).toThrow(DataKeyError)
  })

  it('refuses what is not a blob', () => {
    const ring = new DataKeyRing([generateDataKey()])
    for (const text of ['', 'plain', 'v1:a:b', 'v2:k:AAAAAAAAAAAAAAAA:AAAAAAAAAAAAAAAAAAAAAA', `v1:${ring.currentKid}:AA:AAAAAAAAAAAAAAAAAAAAAA`]) {
      expect(() => ring.open(text, 'totp:1')).toThrow(DataKeyError)
    }
  })
})

describe('parseDataKeys', () => {
  it('reads what formatDataKeys writes, newest first', () => {
    const keys = [generateDataKey(), generateDataKey()]
    expect(parseDataKeys(formatDataKeys(keys)).map((k) => k.kid)).toEqual(keys.map((k) => k.kid))
  })

  it('refuses a key that is not exactly 32 bytes', () => {
    const long = { kid: 'long', secret: new Uint8Array(48) }
    expect(() => parseDataKeys(formatDataKeys([long]))).toThrow(/exactly 32/)
  })
})
