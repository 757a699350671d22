import { decodeJwt, decodeProtectedHeader } from 'jose'
import { describe, expect, it } from 'vitest'
import { KeyRing, type SigningKey } from './key-ring.js'
import { generateSigningKey } from './key-ring-config.js'
import { MAX_TOKEN_LENGTH } from './token-payload.js'
import { createTokenSigner, type TokenClaims, type TokenSignerOptions } from './token-signer.js'

const T0 = Date.UTC(2030, 0, 1, 12, 0, 0)
const oldKey: SigningKey = { kid: 'k-old', secret: new Uint8Array(32).fill(1) }
const newKey: SigningKey = { kid: 'k-new', secret: new Uint8Array(32).fill(2) }
const claims: TokenClaims = { sub: 'user-1', sid: 'session-1' }

/** A signer over `keys` whose clock the test moves by setting `clock.nowMs`. */
function setup(overrides: Partial<TokenSignerOptions> = {}, keys = new KeyRing([newKey, oldKey])) {
  const clock = { nowMs: T0 }
  const signer = createTokenSigner({
    keys,
    audience: 'tokenauth:access',
    type: 'at+jwt',
    ttlSeconds: 60,
    now: () => clock.nowMs,
    ...overrides,
  })
  return { clock, signer }
}

describe('sign', () => {
  it('makes an HS256 compact JWS with typ and the newest kid in the header', async () => {
    const { signer } = setup()
    const { token } = await signer.sign(claims)

    expect(token.split('.')).toHaveLength(3)
    expect(decodeProtectedHeader(token)).toEqual({ alg: 'HS256', typ: 'at+jwt', kid: 'k-new' })
  })

  it('sets iat, exp and aud from the clock, ttl and audience, and returns the payload', async () => {
    const { clock, signer } = setup()
    clock.nowMs = T0 + 999 // iat is whole seconds, rounded down
    const signed = await signer.sign({ ...claims, role: 'admin', level: 3, beta: true })

    const expected = { ...claims, role: 'admin', level: 3, beta: true, iat: T0 / 1000, exp: T0 / 1000 + 60, aud: 'tokenauth:access' }
    expect(decodeJwt(signed.token)).toEqual(expected)
    expect(signed.payload).toEqual(expected)
    expect(Object.isFrozen(signed.payload)).toBe(true)
    expect(signed.expiresAt).toEqual(new Date(T0 + 60_000))
  })

  it('sets iss when an issuer is configured', async () => {
    const { signer } = setup({ issuer: 'https://api.example' })
    const { token } = await signer.sign(claims)
    expect(decodeJwt(token).iss).toBe('https://api.example')
  })

  it.each([
    ['an empty sub', { sub: '', sid: 's' }, /sub must be/],
    ['a missing sid', { sub: 'u' }, /sid must be/],
    ['a numeric sub', { sub: 1, sid: 's' }, /sub must be/],
    ['exp', { ...claims, exp: 1 }, /"exp" is set by the signer/],
    ['aud', { ...claims, aud: 'x' }, /"aud" is set by the signer/],
    ['iat', { ...claims, iat: 1 }, /"iat" is set by the signer/],
    ['iss', { ...claims, iss: 'x' }, /"iss" is set by the signer/],
    ['nbf', { ...claims, nbf: 1 }, /"nbf" is set by the signer/],
    ['a NaN claim', { ...claims, n: Number.NaN }, /"n" must be/],
    ['an object claim', { ...claims, o: {} }, /"o" must be/],
    ['a list holding a number', { ...claims, amr: ['pwd', 1] }, /"amr" must be/],
  ])('refuses %s', async (_, bad, message) => {
    const { signer } = setup()
    await expect(signer.sign(bad as unknown as TokenClaims)).rejects.toThrow(message)
  })

  it('carries a list of strings (RFC 8176 amr) through sign and verify', async () => {
    const { signer } = setup()
    const { token } = await signer.sign({ ...claims, auth_time: 1_893_499_000, amr: ['pwd', 'otp', 'mfa'] })
    expect(decodeJwt(token)).toMatchObject({ auth_time: 1_893_499_000, amr: ['pwd', 'otp', 'mfa'] })
    expect(await signer.verify(token)).toMatchObject({ ok: true, payload: { amr: ['pwd', 'otp', 'mfa'] } })
  })

  it('refuses to mint a token too long for verify to accept', async () => {
    const { signer } = setup()
    await expect(signer.sign({ ...claims, blob: 'x'.repeat(MAX_TOKEN_LENGTH) })).rejects.toThrow(RangeError)
  })

  it.each([
    { audience: '' },
    { type: '' },
    { ttlSeconds: 0 },
    { ttlSeconds: 1.5 },
    { clockToleranceSeconds: -1 },
    { cacheSize: -1 },
    { issuer: '' },
  ])('refuses options %o', (bad) => {
    expect(() => setup(bad)).toThrow()
  })
})

describe('verify', () => {
  it('accepts a token it signed and returns its payload', async () => {
    const { signer } = setup()
    const signed = await signer.sign({ ...claims, role: 'admin' })

    const result = await signer.verify(signed.token)

    expect(result).toEqual({ ok: true, payload: signed.payload })
  })

  it('accepts a token from another signer over the same ring, audience and type', async () => {
    const { signer: minter } = setup()
    const { signer: checker } = setup()
    const { token } = await minter.sign(claims)
    expect((await checker.verify(token)).ok).toBe(true)
  })

  it('requires the configured issuer', async () => {
    const { signer: withIssuer } = setup({ issuer: 'https://api.example' })
    const { signer: otherIssuer } = setup({ issuer: 'https://other.example' })
    const { signer: noIssuer } = setup()

    expect(await withIssuer.verify((await otherIssuer.sign(claims)).token)).toEqual({ ok: false, reason: 'wrong_audience' })
    expect(await withIssuer.verify((await noIssuer.sign(claims)).token)).toEqual({ ok: false, reason: 'bad_payload' })
    expect((await withIssuer.verify((await withIssuer.sign(claims)).token)).ok).toBe(true)
  })

  it('returns a failure, not an exception, when the clock is broken', async () => {
    const { clock, signer } = setup()
    const { token } = await signer.sign(claims)
    clock.nowMs = Number.NaN
    expect(await signer.verify(token)).toEqual({ ok: false, reason: 'bad_signature' })
    await expect(signer.sign(claims)).rejects.toThrow(/clock/)
  })
})

describe('key rotation', () => {
  it('signs with the new key and still verifies tokens signed with the old one', async () => {
    const { signer: beforeRotation } = setup({}, new KeyRing([oldKey]))
    const { signer: afterRotation } = setup({}, new KeyRing([newKey, oldKey]))
    const oldToken = (await beforeRotation.sign(claims)).token
    const newToken = (await afterRotation.sign(claims)).token

    expect(decodeProtectedHeader(oldToken).kid).toBe('k-old')
    expect(decodeProtectedHeader(newToken).kid).toBe('k-new')
    expect((await afterRotation.verify(oldToken)).ok).toBe(true)
    expect((await afterRotation.verify(newToken)).ok).toBe(true)
    expect(await beforeRotation.verify(newToken)).toEqual({ ok: false, reason: 'unknown_key' })
  })

  it('refuses old tokens once the old key is retired, even if another signer cached them', async () => {
    const { signer: afterRotation } = setup({}, new KeyRing([newKey, oldKey]))
    const { signer: afterRetirement } = setup({}, new KeyRing([newKey]))
    const oldToken = (await setup({}, new KeyRing([oldKey])).signer.sign(claims)).token
    expect((await afterRotation.verify(oldToken)).ok).toBe(true)
    expect(afterRotation.cachedTokenCount).toBe(1)

    expect(await afterRetirement.verify(oldToken)).toEqual({ ok: false, reason: 'unknown_key' })
    expect((await afterRetirement.verify((await afterRotation.sign(claims)).token)).ok).toBe(true)
  })

  it('refuses a token whose kid names a different secret', async () => {
    const impostor = { kid: 'k-new', secret: new Uint8Array(32).fill(9) }
    const { token } = await setup({}, new KeyRing([impostor])).signer.sign(claims)
    expect(await setup().signer.verify(token)).toEqual({ ok: false, reason: 'bad_signature' })
  })
})

describe.each([
  { label: 'uncached', cacheSize: 0 },
  { label: 'cached', cacheSize: 100 },
])('expiry ($label)', ({ cacheSize }) => {
  const expMs = T0 + 60_000

  /** Signs at T0 and, when caching, verifies once so later checks hit the cache. */
  async function issued(clockToleranceSeconds?: number) {
    const { clock, signer } = setup({ cacheSize, ...(clockToleranceSeconds !== undefined && { clockToleranceSeconds }) })
    const { token } = await signer.sign(claims)
    expect((await signer.verify(token)).ok).toBe(true)
    expect(signer.cachedTokenCount).toBe(cacheSize > 0 ? 1 : 0)
    return { clock, signer, token }
  }

  it('with no tolerance, accepts until exp and refuses from exp on', async () => {
    const { clock, signer, token } = await issued(0)
    clock.nowMs = expMs - 1
    expect((await signer.verify(token)).ok).toBe(true)
    clock.nowMs = expMs
    expect(await signer.verify(token)).toEqual({ ok: false, reason: 'expired' })
  })

  it('allows the default 5 seconds of clock skew past exp, and not a millisecond more', async () => {
    const { clock, signer, token } = await issued()
    clock.nowMs = expMs + 1_000
    expect((await signer.verify(token)).ok).toBe(true)
    clock.nowMs = expMs + 4_999
    expect((await signer.verify(token)).ok).toBe(true)
    clock.nowMs = expMs + 5_000
    expect(await signer.verify(token)).toEqual({ ok: false, reason: 'expired' })
  })

  it('forgets an expired token instead of keeping it cached', async () => {
    const { clock, signer, token } = await issued(0)
    clock.nowMs = expMs + 60_000
    expect(await signer.verify(token)).toEqual({ ok: false, reason: 'expired' })
    expect(signer.cachedTokenCount).toBe(0)
    expect(await signer.verify(token)).toEqual({ ok: false, reason: 'expired' })
  })
})

describe('audience and type (the salt)', () => {
  const access = { audience: 'tokenauth:access', type: 'at+jwt' }
  const refresh = { audience: 'tokenauth:refresh', type: 'rt+jwt' }

  it.each([
    ['an access token where a refresh token is expected', access, refresh],
    ['a refresh token where an access token is expected', refresh, access],
    ['another audience with the same typ', access, { ...access, audience: 'tokenauth:email' }],
    ['another typ with the same audience', access, { ...access, type: 'email+jwt' }],
    ['a bare JWT typ where at+jwt is expected', { ...access, type: 'JWT' }, access],
  ])('refuses %s as wrong_audience', async (_, mintedFor, expectedBy) => {
    const { signer: minter } = setup(mintedFor)
    const { signer: checker } = setup(expectedBy)
    const { token } = await minter.sign(claims)

    expect(await checker.verify(token)).toEqual({ ok: false, reason: 'wrong_audience' })
    expect((await minter.verify(token)).ok).toBe(true)
  })

  it('compares typ as a media type, case-insensitively (RFC 7515 §4.1.9)', async () => {
    const { token } = await setup({ type: 'AT+JWT' }).signer.sign(claims)
    expect((await setup().signer.verify(token)).ok).toBe(true)
  })
})

describe('verification cache', () => {
  it('answers a second verify of the same token with the same payload', async () => {
    const { signer } = setup()
    const { token } = await signer.sign(claims)
    const first = await signer.verify(token)
    const second = await signer.verify(token)

    expect(first.ok && second.ok).toBe(true)
    if (!first.ok || !second.ok) return
    expect(second.payload).toBe(first.payload)
    expect(Object.isFrozen(first.payload)).toBe(true)
    expect(signer.cachedTokenCount).toBe(1)
  })

  it('never holds more than cacheSize tokens, and evicted tokens still verify', async () => {
    const { clock, signer } = setup({ cacheSize: 3 })
    const tokens: string[] = []
    for (let i = 0; i < 10; i++) {
      clock.nowMs = T0 + i * 1000 // distinct iat, distinct token
      const { token } = await signer.sign({ ...claims, n: i })
      tokens.push(token)
      expect((await signer.verify(token)).ok).toBe(true)
      expect(signer.cachedTokenCount).toBeLessThanOrEqual(3)
    }
    expect(signer.cachedTokenCount).toBe(3)
    expect((await signer.verify(tokens[0] ?? '')).ok).toBe(true)
  })

  it('works with the cache disabled (cacheSize 0)', async () => {
    const { signer } = setup({ cacheSize: 0 })
    const { token, payload } = await signer.sign(claims)
    const first = await signer.verify(token)
    const second = await signer.verify(token)

    expect(first).toEqual({ ok: true, payload })
    expect(second).toEqual({ ok: true, payload })
    if (first.ok && second.ok) expect(second.payload).not.toBe(first.payload)
    expect(signer.cachedTokenCount).toBe(0)
  })

  it('never caches failures, and a cached token does not vouch for a tampered copy', async () => {
    const { signer } = setup()
    const { token } = await signer.sign(claims)
    const [header, payload, signature = ''] = token.split('.')
    const tampered = `${header}.${payload}.${signature.slice(0, 10)}${signature[10] === 'A' ? 'B' : 'A'}${signature.slice(11)}`

    expect((await signer.verify(token)).ok).toBe(true)
    expect(await signer.verify(tampered)).toEqual({ ok: false, reason: 'bad_signature' })
    expect(await signer.verify(tampered)).toEqual({ ok: false, reason: 'bad_signature' })
    expect(await signer.verify('not.a.token')).toEqual({ ok: false, reason: 'malformed' })
    expect(signer.cachedTokenCount).toBe(1)
  })
})

describe('verifyCached', () => {
  it('answers synchronously only for tokens verify() has accepted, and still checks exp', async () => {
    let now = Date.UTC(2026, 0, 1)
    const signer = createTokenSigner({ keys: new KeyRing([generateSigningKey('k1')]), audience: 'a', type: 't', ttlSeconds: 60, now: () => now })
    const { token } = await signer.sign({ sub: '1', sid: 's' })
    expect(signer.verifyCached(token)).toBeUndefined()
    const verified = await signer.verify(token)
    expect(signer.verifyCached(token)).toEqual(verified)
    expect(signer.verifyCached(token.slice(0, -1) + (token.endsWith('A') ? 'B' : 'A'))).toBeUndefined()
    now += 66_000
    expect(signer.verifyCached(token)).toEqual({ ok: false, reason: 'expired' })
    expect(signer.verifyCached(token)).toBeUndefined()
  })
})
