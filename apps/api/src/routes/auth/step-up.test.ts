import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { allRows, createTestApp, type LoginResult, type TestApp } from '../../test-support/test-app.js'
import { totpCode } from '../../second-factor/totp.js'
import { SoftAuthenticator } from '../../test-support/soft-authenticator.js'
import type { PasskeyCreationOptions, PasskeyRequestOptions } from '@tokenauth/shared'

const PASSWORD = 'correct horse battery'
let t: TestApp
let alice: LoginResult

const auth = (login: { token: string }) => ({ authorization: `Bearer ${login.token}` })
const stepUp = (login: { token: string }, payload: unknown) => t.app.inject({ method: 'POST', url: '/api/auth/step-up', headers: auth(login), payload: payload as Record<string, string> })

/** The claims of a token, read without verifying (the server verified it). */
function claims(token: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8')) as Record<string, unknown>
}

async function enrolTotp(login: LoginResult): Promise<{ secret: string; recoveryCodes: string[] }> {
  const secret = (await t.app.inject({ method: 'POST', url: '/api/me/second-factors/totp', headers: auth(login) })).json().secret as string
  const confirm = await t.app.inject({ method: 'POST', url: '/api/me/second-factors/totp/confirm', headers: auth(login), payload: { code: totpCode(secret, t.clock()) } })
  expect(confirm.statusCode).toBe(200)
  return { secret, recoveryCodes: confirm.json().recoveryCodes as string[] }
}

async function auditKinds(): Promise<unknown[]> {
  return (await allRows(t.services, 'audit_events')).map((row) => [
    row.kind,
    row.reason === null ? null : { reason: row.reason, ...(row.params === null ? {} : { params: JSON.parse(String(row.params)) as unknown }) },
  ])
}

beforeEach(async () => {
  t = await createTestApp()
  await t.addUser('alice', PASSWORD)
  alice = await t.login('alice', PASSWORD)
})
afterEach(async () => t.close())

describe('POST /api/auth/step-up', () => {
  it('with the password: a new token for the same session, auth_time now, amr pwd; the session keeps it for renewals', async () => {
    t.clock.advance(10 * 60_000)
    const response = await stepUp(alice, { password: PASSWORD })
    expect(response.statusCode).toBe(200)
    const body = response.json() as { token: string; user: { username: string } }
    expect(body.user.username).toBe('alice')
    const now = Math.floor(t.clock() / 1000)
    expect(claims(body.token)).toMatchObject({ sid: claims(alice.token).sid, auth_time: now, amr: ['pwd'] })
    expect(response.cookies).toEqual([])
    expect((await allRows(t.services, 'sessions')).length).toBe(1)
    // The old token still works (same session); a renewal now carries the fresh proof.
    expect((await t.app.inject({ url: '/api/me', headers: auth(alice) })).statusCode).toBe(200)
    t.clock.advance(60_000)
    const renewed = await t.app.inject({ method: 'POST', url: '/api/auth/refresh', headers: { cookie: alice.cookie, 'x-tokenauth-refresh': '1' } })
    expect(claims((renewed.json() as { token: string }).token)).toMatchObject({ auth_time: now, amr: ['pwd'] })
    expect(await auditKinds()).toContainEqual(['step_up_succeeded', { reason: 'with_password' }])
  })

  it('a wrong password: 403 invalid_credentials, audited, and the session is unchanged', async () => {
    const response = await stepUp(alice, { password: 'not the password' })
    expect(response.statusCode).toBe(403)
    expect(response.json().error.code).toBe('invalid_credentials')
    expect(await auditKinds()).toContainEqual(['step_up_failed', { reason: 'wrong_password' }])
    const [session] = await allRows(t.services, 'sessions')
    expect(session?.auth_time).toBe(claims(alice.token).auth_time as number * 1000)
  })

  it('is throttled like sign-in: after five wrong passwords even the right one waits (429)', async () => {
    for (let i = 0; i < 5; i++) expect((await stepUp(alice, { password: `wrong ${i}` })).statusCode).toBe(403)
    const blocked = await stepUp(alice, { password: PASSWORD })
    expect(blocked.statusCode).toBe(429)
    expect(Number(blocked.headers['retry-after'])).toBeGreaterThan(0)
  })

  it('with a second factor on, the password alone is refused (403 second_factor_required) without checking it', async () => {
    await enrolTotp(alice)
    const response = await stepUp(alice, { password: PASSWORD })
    expect(response.statusCode).toBe(403)
    expect(response.json().error.code).toBe('second_factor_required')
    expect(await auditKinds()).toContainEqual(['step_up_failed', { reason: 'password_not_enough' }])
  })

  it('with an authenticator code: amr otp, and the same code never proves twice', async () => {
    const { secret } = await enrolTotp(alice)
    t.clock.advance(30_000)
    const code = totpCode(secret, t.clock())
    const response = await stepUp(alice, { totp: code })
    expect(response.statusCode).toBe(200)
    expect(claims((response.json() as { token: string }).token)).toMatchObject({ auth_time: Math.floor(t.clock() / 1000), amr: ['otp'] })
    const replayed = await stepUp(alice, { totp: code })
    expect(replayed.statusCode).toBe(403)
    expect(replayed.json().error.code).toBe('invalid_second_factor')
    expect(await auditKinds()).toEqual(expect.arrayContaining([['step_up_succeeded', { reason: 'with_totp' }], ['step_up_failed', { reason: 'wrong_totp' }]]))
  })

  it('with a recovery code: once, then it is gone', async () => {
    const { recoveryCodes } = await enrolTotp(alice)
    const [code = ''] = recoveryCodes
    expect((await stepUp(alice, { recoveryCode: code })).statusCode).toBe(200)
    expect((await stepUp(alice, { recoveryCode: code })).statusCode).toBe(403)
    expect(await auditKinds()).toEqual(
      expect.arrayContaining([
        ['step_up_succeeded', { reason: 'with_recovery_code' }],
        ['recovery_code_used', { reason: 'recovery_codes_left', params: { count: 9 } }],
        ['step_up_failed', { reason: 'wrong_recovery_code' }],
      ]),
    )
  })

  it('with a passkey: options bound to the account, amr hwk user, the challenge proves once; another account’s passkey is refused', async () => {
    const device = new SoftAuthenticator()
    const creation = (await t.app.inject({ method: 'POST', url: '/api/me/passkeys/options', headers: auth(alice) })).json() as PasskeyCreationOptions
    expect((await t.app.inject({ method: 'POST', url: '/api/me/passkeys', headers: auth(alice), payload: { name: 'Laptop', response: device.register(creation) } })).statusCode).toBe(200)
    t.clock.advance(10 * 60_000)
    const optionsResponse = await t.app.inject({ method: 'POST', url: '/api/auth/step-up/options', headers: auth(alice) })
    expect(optionsResponse.statusCode).toBe(200)
    const options = optionsResponse.json() as PasskeyRequestOptions
    expect(options.allowCredentials?.map((c) => c.id)).toEqual(device.credentialIds)
    const assertion = device.assert(options)
    const response = await stepUp(alice, { passkey: assertion })
    expect(response.statusCode, response.body).toBe(200)
    expect(claims((response.json() as { token: string }).token)).toMatchObject({ auth_time: Math.floor(t.clock() / 1000), amr: ['hwk', 'user'] })
    expect(await auditKinds()).toContainEqual(['step_up_succeeded', { reason: 'with_passkey', params: { verified: true } }])
    // The same assertion again: its challenge is used up.
    const replayed = await stepUp(alice, { passkey: assertion })
    expect(replayed.statusCode).toBe(403)
    expect(replayed.json().error.code).toBe('invalid_passkey')
    // Bob's token with Alice's passkey: refused, nothing proved for Bob.
    await t.addUser('bob', PASSWORD)
    const bob = await t.login('bob', PASSWORD)
    const forBob = await t.app.inject({ method: 'POST', url: '/api/auth/step-up/options', headers: auth(bob) })
    expect(forBob.statusCode).toBe(409)
    const stolen = await stepUp(bob, { passkey: device.assert((await t.app.inject({ method: 'POST', url: '/api/auth/step-up/options', headers: auth(alice) })).json() as PasskeyRequestOptions) })
    expect(stolen.statusCode).toBe(403)
    expect(await auditKinds()).toContainEqual(['step_up_failed', { reason: 'passkey_not_verified' }])
  })

  it('a recovery code or a code on an account without a second factor proves nothing (403)', async () => {
    expect((await stepUp(alice, { totp: '123456' })).statusCode).toBe(403)
    expect((await stepUp(alice, { recoveryCode: 'abcd-efgh-jkmn' })).statusCode).toBe(403)
  })

  it.each([
    ['no proof', {}],
    ['two proofs', { password: PASSWORD, totp: '123456' }],
    ['a short code', { totp: '12345' }],
    ['letters in a code', { totp: '12345a' }],
    ['an empty password', { password: '' }],
    ['a malformed passkey assertion', { passkey: { id: 'x' } }],
    ['an unknown field', { pin: '1234' }],
  ])('bad input (%s): 400 in the error shape', async (_, payload) => {
    const response = await stepUp(alice, payload)
    expect(response.statusCode).toBe(400)
    expect(response.json().error.code).toBe('bad_request')
  })

  it('needs a live session: no token 401, a signed-out one 401 revoked_token', async () => {
    expect((await t.app.inject({ method: 'POST', url: '/api/auth/step-up', payload: { password: PASSWORD } })).statusCode).toBe(401)
    await t.app.inject({ method: 'POST', url: '/api/auth/logout', headers: auth(alice) })
    const response = await stepUp(alice, { password: PASSWORD })
    expect(response.statusCode).toBe(401)
    expect(response.json().error.code).toBe('revoked_token')
  })
})
