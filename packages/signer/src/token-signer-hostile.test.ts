import { createHmac, randomBytes } from 'node:crypto'
import { generateKeyPair, SignJWT } from 'jose'
import { describe, expect, it } from 'vitest'
import { KeyRing, type SigningKey } from './key-ring.js'
import { createTokenSigner } from './token-signer.js'

// Tokens an attacker, a buggy client or a confused service could send.

const T0 = Date.UTC(2030, 0, 1, 12, 0, 0)
const iat = T0 / 1000
const key: SigningKey = { kid: 'k-1', secret: new Uint8Array(32).fill(7) }
const signer = createTokenSigner({
  keys: new KeyRing([key]),
  audience: 'tokenauth:access',
  type: 'at+jwt',
  ttlSeconds: 60,
  now: () => T0,
})

const goodHeader = { alg: 'HS256', typ: 'at+jwt', kid: 'k-1' }
const goodClaims = { sub: 'user-1', sid: 'session-1', iat, exp: iat + 60, aud: 'tokenauth:access' }

const b64url = (text: string) => Buffer.from(text).toString('base64url')

/** A token built by hand from raw header and payload JSON text, MACed with `hash`. */
function forgeRaw(headerJson: string, payloadJson: string, hash = 'sha256', secret = key.secret): string {
  const signingInput = `${b64url(headerJson)}.${b64url(payloadJson)}`
  return `${signingInput}.${createHmac(hash, secret).update(signingInput).digest('base64url')}`
}

/** A token built by hand, MACed with the ring's real key unless told otherwise. */
function forge(header: object, payload: object, hash = 'sha256'): string {
  return forgeRaw(JSON.stringify(header), JSON.stringify(payload), hash)
}

/** A copy of `object` without `name`. */
function without<T extends object>(object: T, name: keyof T): Partial<T> {
  return Object.fromEntries(Object.entries(object).filter(([key]) => key !== name)) as Partial<T>
}

function segments(token: string): [string, string, string] {
  const [header = '', payload = '', signature = ''] = token.split('.')
  return [header, payload, signature]
}

/** Replaces the character at `index` with a different base64url character. */
function flipChar(text: string, index: number): string {
  return text.slice(0, index) + (text[index] === 'A' ? 'B' : 'A') + text.slice(index + 1)
}

it('the forging helper makes tokens the signer accepts (so failures below are meaningful)', async () => {
  expect(await signer.verify(forge(goodHeader, goodClaims))).toEqual({ ok: true, payload: goodClaims })
})

describe('tampering', () => {
  it('refuses a token with a changed payload character', async () => {
    const [header, payload, signature] = segments((await signer.sign({ sub: 'user-1', sid: 's' })).token)
    const tampered = `${header}.${flipChar(payload, 5)}.${signature}`
    expect(await signer.verify(tampered)).toEqual({ ok: false, reason: 'bad_signature' })
  })

  it('refuses a token whose claims were rewritten (privilege escalation)', async () => {
    const [header, , signature] = segments((await signer.sign({ sub: 'user-1', sid: 's', role: 'user' })).token)
    const escalated = b64url(JSON.stringify({ ...goodClaims, role: 'admin' }))
    expect(await signer.verify(`${header}.${escalated}.${signature}`)).toEqual({ ok: false, reason: 'bad_signature' })
  })

  it('refuses a token with a flipped signature byte', async () => {
    const [header, payload, signature] = segments((await signer.sign({ sub: 'user-1', sid: 's' })).token)
    const bytes = Buffer.from(signature, 'base64url')
    bytes[0] = (bytes[0] ?? 0) ^ 0x01
    expect(await signer.verify(`${header}.${payload}.${bytes.toString('base64url')}`)).toEqual({
      ok: false,
      reason: 'bad_signature',
    })
  })

  it('refuses a payload swapped between two genuine tokens', async () => {
    const [headerA, , signatureA] = segments((await signer.sign({ sub: 'alice', sid: 'a' })).token)
    const [, payloadB] = segments((await signer.sign({ sub: 'bob', sid: 'b' })).token)
    expect(await signer.verify(`${headerA}.${payloadB}.${signatureA}`)).toEqual({ ok: false, reason: 'bad_signature' })
  })

  it('refuses a signature truncated or extended', async () => {
    const { token } = await signer.sign({ sub: 'user-1', sid: 's' })
    expect((await signer.verify(token.slice(0, -2))).ok).toBe(false)
    expect((await signer.verify(`${token}AA`)).ok).toBe(false)
  })
})

describe('algorithm confusion', () => {
  it('refuses alg none with an empty signature', async () => {
    const unsecured = `${b64url(JSON.stringify({ ...goodHeader, alg: 'none' }))}.${b64url(JSON.stringify(goodClaims))}.`
    expect(await signer.verify(unsecured)).toEqual({ ok: false, reason: 'malformed' })
  })

  it.each(['none', 'None', 'NONE', 'HS384', 'HS512', 'RS256', 'ES256', 'EdDSA', ''])(
    'refuses alg "%s" even with a valid HS256 MAC over the input',
    async (alg) => {
      const result = await signer.verify(forge({ ...goodHeader, alg }, goodClaims))
      expect(result).toEqual({ ok: false, reason: alg === '' ? 'malformed' : 'bad_signature' })
    },
  )

  it('refuses a foreign alg by the allowlist, before the kid is even looked up', async () => {
    // Without the allowlist jose would resolve the key first and answer unknown_key here.
    for (const alg of ['none', 'HS512', 'RS256']) {
      expect(await signer.verify(forge({ ...goodHeader, alg, kid: 'k-unknown' }, goodClaims))).toEqual({
        ok: false,
        reason: 'bad_signature',
      })
    }
  })

  it('refuses a genuine HS512 token made with the right secret', async () => {
    expect(await signer.verify(forge({ ...goodHeader, alg: 'HS512' }, goodClaims, 'sha512'))).toEqual({
      ok: false,
      reason: 'bad_signature',
    })
  })

  it('refuses a genuine RS256 token', async () => {
    const { privateKey } = await generateKeyPair('RS256')
    const token = await new SignJWT(goodClaims).setProtectedHeader({ ...goodHeader, alg: 'RS256' }).sign(privateKey)
    expect(await signer.verify(token)).toEqual({ ok: false, reason: 'bad_signature' })
  })

  it('refuses a missing or non-string alg', async () => {
    expect(await signer.verify(forge(without(goodHeader, 'alg'), goodClaims))).toEqual({ ok: false, reason: 'malformed' })
    expect(await signer.verify(forge({ ...goodHeader, alg: ['HS256'] }, goodClaims))).toEqual({
      ok: false,
      reason: 'malformed',
    })
  })

  it('refuses an unknown critical header extension', async () => {
    const result = await signer.verify(forge({ ...goodHeader, crit: ['exp-x'], 'exp-x': 1 }, goodClaims))
    expect(result).toEqual({ ok: false, reason: 'bad_signature' })
  })
})

describe('key ids', () => {
  it.each([
    ['an unknown kid', { ...goodHeader, kid: 'k-2' }],
    ['a missing kid', { alg: 'HS256', typ: 'at+jwt' }],
    ['an empty kid', { ...goodHeader, kid: '' }],
    ['a numeric kid', { ...goodHeader, kid: 1 }],
    ['a kid that is an array', { ...goodHeader, kid: ['k-1'] }],
    ['a prototype kid', { ...goodHeader, kid: '__proto__' }],
  ])('refuses %s as unknown_key', async (_, header) => {
    expect(await signer.verify(forge(header, goodClaims))).toEqual({ ok: false, reason: 'unknown_key' })
  })
})

describe('malformed input', () => {
  const validShape = `${b64url('{}')}.${b64url('{}')}.${b64url('sig')}`

  it.each([
    ['an empty string', ''],
    ['two segments', 'a.b'],
    ['four segments', 'a.b.c.d'],
    ['five segments (JWE shape)', 'a.b.c.d.e'],
    ['an empty segment', 'a..c'],
    ['standard base64 characters', 'ab+/.cd.ef'],
    ['padding', 'YQ==.YQ==.YQ=='],
    ['spaces', ' a.b.c'],
    ['a Bearer prefix', 'Bearer a.b.c'],
    ['a 100 KB string', `${'a'.repeat(100_000)}.b.c`],
    ['a token one character over the cap', `${'a'.repeat(4096 - 3)}.b.c`],
    ['emoji', '🔑.🔑.🔑'],
    ['unicode look-alikes', 'ａ.ｂ.ｃ'],
    ['a header that is not JSON', `${b64url('not json')}.${b64url('{}')}.c2ln`],
    ['a header that is a JSON array', `${b64url('[]')}.${b64url('{}')}.c2ln`],
    ['a header that is a JSON string', `${b64url('"HS256"')}.${b64url('{}')}.c2ln`],
    ['a header that is not UTF-8', `${Buffer.from([0xff, 0xfe, 0x7b]).toString('base64url')}.${b64url('{}')}.c2ln`],
    ['a header with an impossible base64url length', `aaaaa.${b64url('{}')}.c2ln`],
    ['an empty header object', validShape],
  ])('refuses %s as malformed', async (_, token) => {
    expect(await signer.verify(token)).toEqual({ ok: false, reason: 'malformed' })
  })

  it.each([null, undefined, 42, {}, [], ['a.b.c'], Buffer.from('a.b.c'), new Uint8Array(3), Symbol('t'), () => 'a.b.c'])(
    'refuses the non-string %s as malformed',
    async (input) => {
      expect(await signer.verify(input as unknown as string)).toEqual({ ok: false, reason: 'malformed' })
    },
  )

  it('never throws for random input', async () => {
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_'
    const randomSegment = () =>
      Array.from(randomBytes(1 + (randomBytes(1)[0] ?? 0)), (byte) => alphabet[byte % 64]).join('')
    for (let i = 0; i < 300; i++) {
      const inputs = [
        randomBytes(64).toString('latin1'),
        `${randomSegment()}.${randomSegment()}.${randomSegment()}`,
        `${b64url(JSON.stringify(goodHeader))}.${randomSegment()}.${randomSegment()}`,
      ]
      for (const input of inputs) {
        const result = await signer.verify(input)
        expect(result.ok).toBe(false)
      }
    }
  })
})

describe('payload checks (tokens MACed with the real key)', () => {
  it.each([
    ['a missing sid', without(goodClaims, 'sid')],
    ['a missing sub', without(goodClaims, 'sub')],
    ['a missing iat', without(goodClaims, 'iat')],
    ['a missing exp', without(goodClaims, 'exp')],
    ['a missing aud', without(goodClaims, 'aud')],
    ['sub as a number', { ...goodClaims, sub: 42 }],
    ['sub as an empty string', { ...goodClaims, sub: '' }],
    ['sid as null', { ...goodClaims, sid: null }],
    ['sid as an object', { ...goodClaims, sid: { id: 1 } }],
    ['exp as a string', { ...goodClaims, exp: String(iat + 60) }],
    ['iat as a string', { ...goodClaims, iat: String(iat) }],
    ['aud as an array, even one holding the audience', { ...goodClaims, aud: ['tokenauth:access'] }],
    ['iss as a number', { ...goodClaims, iss: 1 }],
    ['nbf in the future', { ...goodClaims, nbf: iat + 3600 }],
  ])('refuses %s as bad_payload', async (_, claims) => {
    expect(await signer.verify(forge(goodHeader, claims))).toEqual({ ok: false, reason: 'bad_payload' })
  })

  it.each([
    ['a payload that is a JSON array', '[1,2]'],
    ['a payload that is a JSON string', '"sub"'],
    ['a payload that is null', 'null'],
    ['a payload that is not JSON', 'sub=user-1'],
    ['an exp of 1e999 (Infinity, never expiring)', JSON.stringify(goodClaims).replace(/"exp":\d+/, '"exp":1e999')],
  ])('refuses %s as bad_payload', async (_, payloadJson) => {
    expect(await signer.verify(forgeRaw(JSON.stringify(goodHeader), payloadJson))).toEqual({
      ok: false,
      reason: 'bad_payload',
    })
  })

  it('refuses an aud naming another audience as wrong_audience', async () => {
    expect(await signer.verify(forge(goodHeader, { ...goodClaims, aud: 'tokenauth:refresh' }))).toEqual({
      ok: false,
      reason: 'wrong_audience',
    })
  })

  it('refuses a missing typ as wrong_audience', async () => {
    expect(await signer.verify(forge(without(goodHeader, 'typ'), goodClaims))).toEqual({ ok: false, reason: 'wrong_audience' })
  })

  it('checks the MAC before the claims, so a bad payload under a bad MAC is bad_signature', async () => {
    const token = forgeRaw(JSON.stringify(goodHeader), '[1,2]', 'sha256', new Uint8Array(32).fill(8))
    expect(await signer.verify(token)).toEqual({ ok: false, reason: 'bad_signature' })
  })
})
