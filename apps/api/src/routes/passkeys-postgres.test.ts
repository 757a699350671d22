import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { PasskeyCreationOptions, PasskeyRequestOptions } from '@tokenauth/shared'
import { allRows, createTestApp, type TestApp } from '../test-support/test-app.js'
import { SoftAuthenticator } from '../test-support/soft-authenticator.js'
import { pruneExpired } from '../housekeeping.js'

const PASSWORD = 'correct horse battery'
let t: TestApp
let headers: { authorization: string }
const device = new SoftAuthenticator()

const signInOptions = async (): Promise<PasskeyRequestOptions> => (await t.app.inject({ method: 'POST', url: '/api/auth/passkey/options' })).json() as PasskeyRequestOptions
const passwordStep = async (): Promise<{ challenge: string; passkeyOptions: PasskeyRequestOptions }> =>
  (await t.app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: 'alice', password: PASSWORD } })).json() as { challenge: string; passkeyOptions: PasskeyRequestOptions }

beforeAll(async () => {
  t = await createTestApp({}, undefined, { engine: 'postgres' })
  await t.addUser('alice', PASSWORD)
  const alice = await t.login('alice', PASSWORD)
  headers = { authorization: `Bearer ${alice.token}` }
  const options = (await t.app.inject({ method: 'POST', url: '/api/me/passkeys/options', headers })).json() as PasskeyCreationOptions
  const added = await t.app.inject({ method: 'POST', url: '/api/me/passkeys', headers, payload: { name: 'Laptop', response: device.register(options) } })
  expect(added.statusCode, added.body).toBe(200)
}, 60_000)
afterAll(async () => t.close())

describe('passkeys on PostgreSQL', () => {
  it('stores the passkey and signs in with it; the counter moves forward', async () => {
    const [stored] = await allRows(t.services, 'passkeys')
    expect(stored).toMatchObject({ name: 'Laptop', counter: 1, device_type: 'singleDevice' })
    const done = await t.app.inject({ method: 'POST', url: '/api/auth/passkey', payload: { response: device.assert(await signInOptions()) } })
    expect(done.statusCode, done.body).toBe(200)
    expect((await allRows(t.services, 'passkeys'))[0]?.counter).toBe(2)
  })

  it('of concurrent uses of one assertion, exactly one signs in', async () => {
    const assertion = device.assert(await signInOptions())
    const answers = await Promise.all([0, 1, 2].map(() => t.app.inject({ method: 'POST', url: '/api/auth/passkey', payload: { response: assertion } })))
    expect(answers.map((a) => a.statusCode).sort()).toEqual([200, 401, 401])
  })

  it('finishes the second step after the password with a passkey, once', async () => {
    const { challenge, passkeyOptions } = await passwordStep()
    const assertion = device.assert(passkeyOptions)
    const answers = await Promise.all([0, 1].map(() => t.app.inject({ method: 'POST', url: '/api/auth/login/second-factor', payload: { challenge, passkey: assertion } })))
    expect(answers.map((a) => a.statusCode).sort()).toEqual([200, 401])
  })

  it('refuses a registration answered to another ceremony or too late, and prunes what expired', async () => {
    const late = (await t.app.inject({ method: 'POST', url: '/api/me/passkeys/options', headers })).json() as PasskeyCreationOptions
    const foreign = device.register({ ...late, challenge: (await signInOptions()).challenge })
    expect((await t.app.inject({ method: 'POST', url: '/api/me/passkeys', headers, payload: { name: 'x', response: foreign } })).statusCode).toBe(403)
    t.clock.advance(5 * 60_000 + 1)
    expect((await t.app.inject({ method: 'POST', url: '/api/me/passkeys', headers, payload: { name: 'x', response: device.register(late) } })).statusCode).toBe(403)
    expect((await pruneExpired(t.services)).webauthnChallenges).toBeGreaterThan(0)
    expect(await allRows(t.services, 'webauthn_challenges')).toEqual([])
  })

  it('removes the last passkey with its recovery codes', async () => {
    const [stored] = await allRows(t.services, 'passkeys')
    const alice = await t.login('alice', PASSWORD).catch(() => undefined)
    expect(alice).toBeUndefined() // a second factor is on: the password alone does not sign in
    // Removing a passkey needs a recent proof: a step-up with the passkey itself (the stored one:
    // the device also holds the credentials of the refused registrations above).
    const options = (await t.app.inject({ method: 'POST', url: '/api/auth/step-up/options', headers })).json() as PasskeyRequestOptions
    const stepUp = await t.app.inject({ method: 'POST', url: '/api/auth/step-up', headers, payload: { passkey: device.assert(options, String(stored?.credential_id)) } })
    expect(stepUp.statusCode, stepUp.body).toBe(200)
    const fresh = { authorization: `Bearer ${(stepUp.json() as { token: string }).token}` }
    expect((await t.app.inject({ method: 'DELETE', url: `/api/me/passkeys/${String(stored?.id)}`, headers: fresh })).statusCode).toBe(204)
    expect(await allRows(t.services, 'recovery_codes')).toEqual([])
    expect((await t.login('alice', PASSWORD)).token).toBeTruthy()
  })
})
