/**
 * Cost of the signer's hot path, per operation, against a bare HMAC for scale.
 * Run from the repo root: node --conditions=source --import tsx packages/signer/bench/verify.bench.ts
 */
import { createHmac } from 'node:crypto'
import { jwtVerify } from 'jose'
import { createTokenSigner, generateSigningKey, KeyRing } from '../src/index.js'

const ITERATIONS = 20_000
const WARMUP = 2_000

/** Runs `operation` WARMUP times untimed, then ITERATIONS times, and prints µs per call. */
async function measure(label: string, operation: (i: number) => unknown): Promise<void> {
  for (let i = 0; i < WARMUP; i++) await operation(i)
  const start = performance.now()
  for (let i = 0; i < ITERATIONS; i++) await operation(i)
  const microsPerOp = ((performance.now() - start) * 1000) / ITERATIONS
  console.log(`${label}: ${microsPerOp.toFixed(1)} µs/op`)
}

/** Fails the run loudly: a benchmark of a verify that refuses would measure nothing. */
function assertOk(result: { ok: boolean }): void {
  if (!result.ok) throw new Error('benchmark token did not verify')
}

const signingKey = generateSigningKey()
const keys = new KeyRing([signingKey, generateSigningKey()])
const options = { keys, audience: 'tokenauth:access', type: 'at+jwt', ttlSeconds: 900 }
const uncached = createTokenSigner({ ...options, cacheSize: 0 })
const cached = createTokenSigner(options)

const { token } = await cached.sign({ sub: 'user-42', sid: 'b9d1c2e4-session', role: 'admin' })
const signingInput = token.slice(0, token.lastIndexOf('.'))

console.log(`node ${process.version}, ${ITERATIONS} iterations, token ${token.length} characters`)
await measure('sign', (i) => uncached.sign({ sub: 'user-42', sid: `session-${i}` }))
await measure('verify (uncached)', async () => assertOk(await uncached.verify(token)))
await measure('verify (cached)', async () => assertOk(await cached.verify(token)))
await measure('jose jwtVerify, raw Uint8Array secret (re-imported per call)', () =>
  jwtVerify(token, signingKey.secret, { algorithms: ['HS256'], audience: 'tokenauth:access', typ: 'at+jwt' }),
)
await measure('crypto.createHmac sha256 over the signing input', () =>
  createHmac('sha256', signingKey.secret).update(signingInput).digest(),
)

/**
 * The request path's lookup: a new string per call, as Node's HTTP parser gives each
 * request, so V8 has not hashed it yet (the cache looks it up by its signature segment).
 */
const copies = Array.from({ length: ITERATIONS }, () => Buffer.from(token).toString())
for (let i = 0; i < WARMUP; i++) cached.verifyCached(Buffer.from(token).toString())
const start = performance.now()
for (let i = 0; i < ITERATIONS; i++) assertOk(cached.verifyCached(copies[i] ?? '') ?? { ok: false })
console.log(`verifyCached, a fresh copy of the token per call: ${(((performance.now() - start) * 1e6) / ITERATIONS).toFixed(0)} ns/op`)
