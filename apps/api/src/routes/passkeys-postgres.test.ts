import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { PasskeyCreationOptions, PasskeyRequestOptions } from '@tokenauth/shared'
import { allRows, createTestApp, type TestApp } from '../test-support/test-app.js'
import { SoftAuthenticator } from '../test-support/soft-authenticator.js'

const PASSWORD = 'correct horse battery'
let t: TestApp
const device = new SoftAuthenticator()

const signInOptions = async (): Promise<PasskeyRequestOptions> => (await t.app.inject({ method: 'POST', url: '/api/auth/passkey/options' })).json() as PasskeyRequestOptions
const passwordStep = async (): Promise<{ challenge: string; passkeyOptions: PasskeyRequestOptions }> =>
  (await t.app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: 'alice', password: PASSWORD } })).json() as { challenge: string; passkeyOptions: PasskeyRequestOptions }

beforeAll(async () => {
  t = await createTestApp({}, undefined, { engine: 'postgres' })
  await t.addUser('alice', PASSWORD)
  const alice = await t.login('alice', PASSWORD)
  const headers = { authorization: `Bearer ${alice.token}` }
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
})
