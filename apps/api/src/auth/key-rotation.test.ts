import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { generateSigningKey } from '@tokenauth/signer'
import { createTestApp, manualClock, type TestApp } from '../test-support/test-app.js'

const dataDir = mkdtempSync(path.join(tmpdir(), 'tokenauth-rotation-'))
const clock = manualClock()
const open: TestApp[] = []
const kidOf = (token: string): unknown => (JSON.parse(Buffer.from(token.split('.')[0] ?? '', 'base64url').toString()) as { kid?: unknown }).kid
afterEach(async () => {
  await Promise.all(open.splice(0).map((t) => t.close()))
})

/** Starts the server on the same database with another key ring, as a deploy would. */
async function deploy(keys: ReturnType<typeof generateSigningKey>[]): Promise<TestApp> {
  await Promise.all(open.splice(0).map((t) => t.close()))
  const t = await createTestApp({}, keys, { dataDir, clock })
  open.push(t)
  return t
}

describe('key rotation without logging anyone out', () => {
  const oldKey = generateSigningKey('2026-01')
  const newKey = generateSigningKey('2026-02')

  it('add a key: it signs from then on, old tokens stay valid; remove it: its tokens die', async () => {
    let t = await deploy([oldKey])
    await t.addUser('alice', 'correct horse battery')
    const before = await t.login('alice', 'correct horse battery')
    expect(kidOf(before.token)).toBe('2026-01')

    // Step 1: the new key goes in front; the old one stays to verify.
    t = await deploy([newKey, oldKey])
    expect((await t.app.inject({ url: '/api/me', headers: { token: before.token } })).statusCode).toBe(200)
    const after = await t.login('alice', 'correct horse battery')
    expect(kidOf(after.token)).toBe('2026-02')

    // Step 2: the old key is removed; tokens it signed are refused, new ones work.
    t = await deploy([newKey])
    const refused = await t.app.inject({ url: '/api/me', headers: { token: before.token } })
    expect(refused.statusCode).toBe(401)
    expect(refused.json().error.code).toBe('invalid_token')
    expect((await t.app.inject({ url: '/api/me', headers: { token: after.token } })).statusCode).toBe(200)
    // The refusal is recorded as a key not found.
    const kinds = (await t.services.auditStore.page({ limit: 10, kind: 'key_not_found' })).events
    expect(kinds).toHaveLength(1)
  })

  it('the session outlives the key: the cookie renews a token under the new key', async () => {
    let t = await deploy([oldKey])
    await t.addUser('bob', 'correct horse battery')
    const bob = await t.login('bob', 'correct horse battery')
    t = await deploy([newKey])
    const renewed = await t.app.inject({ method: 'POST', url: '/api/auth/refresh', headers: { cookie: bob.cookie, 'x-tokenauth-refresh': '1' } })
    expect(renewed.statusCode).toBe(200)
    expect(kidOf(renewed.json().token)).toBe('2026-02')
  })
})

process.on('exit', () => rmSync(dataDir, { recursive: true, force: true }))

describe('tokens with an unknown kid', () => {
  it('are recorded at most AUDIT_UNAUTHENTICATED_PER_MINUTE times a minute, so they cannot flood the audit log', async () => {
    const t = await deploy([generateSigningKey('2026-05')])
    await t.addUser('carol', 'correct horse battery')
    const stranger = await deploy([generateSigningKey('elsewhere')])
    const { token } = await stranger.login('carol', 'correct horse battery')
    const t2 = await deploy([generateSigningKey('2026-05b')])
    const recorded = async () => (await t2.services.auditStore.page({ limit: 100, kind: 'key_not_found' })).events.length
    const before = (await recorded())
    const cap = t2.services.config.auditUnauthenticatedPerMinute
    for (let i = 0; i < cap + 20; i++) expect((await t2.app.inject({ url: '/api/me', headers: { token } })).statusCode).toBe(401)
    expect((await recorded()) - before).toBe(cap)
    clock.advance(60_000)
    await t2.app.inject({ url: '/api/me', headers: { token } })
    expect((await recorded()) - before).toBe(cap + 1)
  })
})
