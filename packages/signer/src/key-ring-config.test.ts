import { describe, expect, it } from 'vitest'
import { formatKeyRing, generateSigningKey, parseKeyRing } from './key-ring-config.js'
import { KeyRingError } from './key-ring.js'

const secret32 = Buffer.alloc(32, 0xab).toString('base64url')
const secret48 = Buffer.alloc(48, 0xcd).toString('base64url')

/** Runs `parseKeyRing` expecting a `KeyRingError`, and returns its message. */
function parseError(spec: string): string {
  try {
    parseKeyRing(spec)
  } catch (error) {
    expect(error).toBeInstanceOf(KeyRingError)
    return (error as KeyRingError).message
  }
  throw new Error(`parseKeyRing accepted ${JSON.stringify(spec)}`)
}

describe('parseKeyRing', () => {
  it('reads entries newest first, decoding the secrets', () => {
    const keys = parseKeyRing(`k-new:${secret48},k-old:${secret32}`)

    expect(keys.map((key) => key.kid)).toEqual(['k-new', 'k-old'])
    expect(keys[0]?.secret).toEqual(new Uint8Array(48).fill(0xcd))
    expect(keys[1]?.secret).toEqual(new Uint8Array(32).fill(0xab))
  })

  it('tolerates whitespace and newlines around entries', () => {
    const keys = parseKeyRing(`\n  a:${secret32} ,\n\tb:${secret48}  \n`)
    expect(keys.map((key) => key.kid)).toEqual(['a', 'b'])
  })

  it('round-trips through formatKeyRing', () => {
    const keys = [generateSigningKey(), generateSigningKey('k.old_1')]
    expect(parseKeyRing(formatKeyRing(keys))).toEqual(keys)
  })

  it.each([
    ['an empty spec', '', /empty/],
    ['a blank spec', '  \n ', /empty/],
    ['an empty entry', `a:${secret32},,b:${secret32}`, /entry 2 is empty/],
    ['a trailing comma', `a:${secret32},`, /entry 2 is empty/],
    ['an entry without a colon', `a:${secret32},${secret48}`, /entry 2 is not of the form "kid:<base64url secret>"/],
    ['an empty kid', `:${secret32}`, /entry 1: kid must be/],
    ['a kid with spaces', `my key:${secret32}`, /entry 1: kid must be/],
    ['a short secret', `a:${secret32},b:${Buffer.alloc(31, 1).toString('base64url')}`, /entry 2: secret is 31 bytes, at least 32/],
    ['an empty secret', 'a:', /entry 1: secret is not valid base64url/],
    ['standard base64 (+ and /)', `a:${Buffer.alloc(32, 0xfb).toString('base64')}`, /secret is not valid base64url/],
    ['padding', `a:${secret32}=`, /secret is not valid base64url/],
    ['a stray character', `a:${secret32.slice(0, 20)}!${secret32.slice(20)}`, /secret is not valid base64url/],
    ['a non-canonical last character', `a:${secret32.slice(0, -1)}x`, /secret is not valid base64url/],
    ['a duplicate kid', `a:${secret32},b:${secret32},a:${secret48}`, /entry 3: duplicate kid \(the same as key ring entry 1\)/],
  ])('refuses %s, saying which entry and why', (_, spec, message) => {
    expect(parseError(spec)).toMatch(message)
  })

  it('never puts a secret, or a kid that may be one, in an error message', () => {
    const short = Buffer.alloc(20, 0x5a).toString('base64url')
    const badBase64 = `${secret48.slice(0, 30)}*${secret48.slice(30)}`
    const cases = [
      { spec: `a:${short}`, secret: short },
      { spec: `a:${badBase64}`, secret: badBase64 },
      { spec: `a:${secret32},a:${secret48}`, secret: secret48 },
      { spec: `a:${secret32},${secret48}`, secret: secret48 }, // a secret missing its kid
      { spec: `${secret48}:a`, secret: secret48 }, // kid and secret swapped
      { spec: `${secret48}:${secret32},${secret48}:${secret32}`, secret: secret48 }, // a secret as the kid, twice
    ]
    for (const { spec, secret } of cases) {
      const message = parseError(spec)
      expect(message).not.toContain(secret)
      expect(message).not.toContain(secret.slice(0, 12))
    }
  })
})

describe('formatKeyRing', () => {
  it('writes kid:base64url entries joined by commas', () => {
    const keys = [
      { kid: 'a', secret: new Uint8Array(32).fill(0xab) },
      { kid: 'b', secret: new Uint8Array(48).fill(0xcd) },
    ]
    expect(formatKeyRing(keys)).toBe(`a:${secret32},b:${secret48}`)
  })

  it('refuses keys parseKeyRing would refuse', () => {
    expect(() => formatKeyRing([{ kid: 'a', secret: new Uint8Array(16) }])).toThrow(KeyRingError)
    const twice = { kid: 'a', secret: new Uint8Array(32) }
    expect(() => formatKeyRing([twice, twice])).toThrow(/duplicate kid/)
  })
})

describe('generateSigningKey', () => {
  it('makes a 32-byte random secret and a dated kid', () => {
    const first = generateSigningKey()
    const second = generateSigningKey()

    expect(first.secret).toBeInstanceOf(Uint8Array)
    expect(first.secret.byteLength).toBe(32)
    expect(first.secret).not.toEqual(second.secret)
    const today = new Date().toISOString().slice(0, 10).replaceAll('-', '')
    expect(first.kid).toMatch(new RegExp(`^k-${today}-[0-9a-f]{6}$`))
    expect(first.kid).not.toBe(second.kid)
  })

  it('uses the kid given, and refuses an invalid one', () => {
    expect(generateSigningKey('k-2030').kid).toBe('k-2030')
    expect(() => generateSigningKey('no spaces')).toThrow(KeyRingError)
  })
})
