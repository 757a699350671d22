import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { PasskeyAssertion, PasskeyCreationOptions, PasskeyRegistrationResponse, PasskeyRequestOptions } from '@tokenauth/shared'
import { allRows, createTestApp, type LoginResult, type TestApp } from '../test-support/test-app.js'
import { SoftAuthenticator, type Tamper } from '../test-support/soft-authenticator.js'
import { pruneExpired } from '../housekeeping.js'
import { totpCode } from '../second-factor/totp.js'
import { inWriteTransaction, NO_SESSION } from '../store/write-transaction.js'

const PASSWORD = 'correct horse battery'
let t: TestApp
let alice: LoginResult
let device: SoftAuthenticator

const auth = (login: { token: string }) => ({ authorization: `Bearer ${login.token}` })

async function creationOptions(login: LoginResult = alice): Promise<PasskeyCreationOptions> {
  const response = await t.app.inject({ method: 'POST', url: '/api/me/passkeys/options', headers: auth(login) })
  expect(response.statusCode, response.body).toBe(200)
  return response.json() as PasskeyCreationOptions
}

const addPasskey = (response: PasskeyRegistrationResponse, name = 'Laptop', login: LoginResult = alice) =>
  t.app.inject({ method: 'POST', url: '/api/me/passkeys', headers: auth(login), payload: { name, response } })

/** Options, the authenticator's answer, and the passkey stored: its id and the recovery codes. */
async function enrol(authenticator = device, login: LoginResult = alice, name = 'Laptop'): Promise<{ id: number; recoveryCodes: string[] }> {
  const added = await addPasskey(authenticator.register(await creationOptions(login)), name, login)
  expect(added.statusCode, added.body).toBe(200)
  const body = added.json() as { passkey: { id: number }; recoveryCodes: string[] }
  return { id: body.passkey.id, recoveryCodes: body.recoveryCodes }
}

async function signInOptions(): Promise<PasskeyRequestOptions> {
  const response = await t.app.inject({ method: 'POST', url: '/api/auth/passkey/options' })
  expect(response.statusCode).toBe(200)
  return response.json() as PasskeyRequestOptions
}

const passkeySignIn = (response: PasskeyAssertion) => t.app.inject({ method: 'POST', url: '/api/auth/passkey', payload: { response } })

async function signInWith(authenticator = device, tamper: Tamper = {}) {
  return passkeySignIn(authenticator.assert(await signInOptions(), undefined, tamper))
}

async function passwordStep(username = 'alice'): Promise<{ challenge: string; methods: string[]; passkeyOptions?: PasskeyRequestOptions }> {
  const response = await t.app.inject({ method: 'POST', url: '/api/auth/login', payload: { username, password: PASSWORD } })
  expect(response.statusCode).toBe(200)
  return response.json() as { challenge: string; methods: string[]; passkeyOptions?: PasskeyRequestOptions }
}

const secondStep = (payload: Record<string, unknown>) => t.app.inject({ method: 'POST', url: '/api/auth/login/second-factor', payload })

/** The `amr` the token's session keeps (the token's `sid` names it). */
async function sessionAmr(token: string): Promise<unknown> {
  const { sid } = JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString()) as { sid: string }
  const row = (await allRows(t.services, 'sessions')).find((s) => s.handle === sid)
  return JSON.parse(String(row?.amr))
}

beforeEach(async () => {
  t = await createTestApp({ MFA_ISSUER: 'Acme' })
  await t.addUser('alice', PASSWORD)
  await t.addUser('bob', PASSWORD)
  alice = await t.login('alice', PASSWORD)
  device = new SoftAuthenticator()
})
afterEach(async () => t.close())

describe('adding passkeys from the profile', () => {
  it('gives creation options for a discoverable passkey on localhost, and stores the answer with the first recovery codes', async () => {
    const options = await creationOptions()
    expect(options.rp).toEqual({ name: 'Acme', id: 'localhost' })
    expect(options.user.name).toBe('alice')
    expect(options.authenticatorSelection?.residentKey).toBe('required')
    expect(options.pubKeyCredParams.map((p) => p.alg)).toContain(-7)
    expect(options.excludeCredentials).toEqual([])
    const added = await addPasskey(device.register(options), '  Laptop ')
    expect(added.statusCode).toBe(200)
    const body = added.json() as { passkey: { id: number; name: string; createdAt: string; lastUsedAt: null }; recoveryCodes: string[] }
    expect(body.passkey).toEqual({ id: body.passkey.id, name: 'Laptop', createdAt: new Date(t.clock()).toISOString(), lastUsedAt: null })
    expect(body.recoveryCodes).toHaveLength(10)
    const [stored] = await allRows(t.services, 'passkeys')
    expect(stored).toMatchObject({ credential_id: device.credentialIds[0], counter: 1, transports: '["internal"]', device_type: 'singleDevice', backed_up: 0, name: 'Laptop' })
    // A second passkey: excluded from the next options, and no new recovery codes.
    const next = await creationOptions()
    expect(next.excludeCredentials?.map((c) => c.id)).toEqual(device.credentialIds)
    const second = await addPasskey(new SoftAuthenticator({ synced: true }).register(next), 'Phone')
    expect(second.json().recoveryCodes).toEqual([])
    expect((await allRows(t.services, 'passkeys')).map((p) => [p.name, p.device_type, p.backed_up])).toEqual([['Laptop', 'singleDevice', 0], ['Phone', 'multiDevice', 1]])
    const status = (await t.app.inject({ url: '/api/me/second-factors', headers: auth(alice) })).json()
    expect(status).toMatchObject({ totp: { enabled: false }, recoveryCodesLeft: 10 })
    expect(status.passkeys.map((p: { name: string }) => p.name)).toEqual(['Laptop', 'Phone'])
    const audit = (await allRows(t.services, 'audit_events')).filter((e) => e.kind === 'passkey_added')
    expect(audit.map((e) => JSON.parse(String(e.params)))).toEqual([{ name: 'Laptop' }, { name: 'Phone' }])
  })

  it('asks for a proof within STEP_UP_MAX_AGE before the options or a removal: 401 insufficient_user_authentication after it', async () => {
    const { id } = await enrol()
    t.clock.advance(5 * 60_000 + 1000)
    for (const [method, url] of [['POST', '/api/me/passkeys/options'], ['DELETE', `/api/me/passkeys/${id}`]] as const) {
      const response = await t.app.inject({ method, url, headers: auth(alice) })
      expect(response.statusCode).toBe(401)
      expect(response.json().error.code).toBe('insufficient_user_authentication')
      expect(response.headers['www-authenticate']).toMatch(/max_age=300$/)
    }
    expect((await t.app.inject({ url: '/api/me/second-factors', headers: auth(alice) })).json().passkeys).toHaveLength(1)
    expect((await t.app.inject({ method: 'POST', url: '/api/me/passkeys/options' })).statusCode).toBe(401)
  })

  it('refuses a response of another origin, RP, ceremony, a used or stale challenge, and a foreign account, with 403 and nothing stored', async () => {
    const refused = async (response: PasskeyRegistrationResponse, login: LoginResult = alice) => {
      const answer = await addPasskey(response, 'Laptop', login)
      expect(answer.statusCode, answer.body).toBe(403)
      expect(answer.json().error.code).toBe('invalid_passkey')
    }
    await refused(device.register(await creationOptions(), { origin: 'https://evil.example' }))
    await refused(device.register(await creationOptions(), { rpId: 'evil.example' }))
    await refused(device.register(await creationOptions(), { type: 'webauthn.get' }))
    // A challenge made for a sign-in does not register a passkey.
    await refused(device.register({ ...(await creationOptions()), challenge: (await signInOptions()).challenge }))
    // Alice's options, answered into bob's session.
    const bob = await t.login('bob', PASSWORD)
    await refused(device.register(await creationOptions()), bob)
    // Stale: the options are over five minutes old.
    const old = await creationOptions()
    t.clock.advance(5 * 60_000 + 1)
    await refused(device.register(old))
    // Used: the same answer twice.
    alice = await t.login('alice', PASSWORD)
    const once = device.register(await creationOptions())
    expect((await addPasskey(once)).statusCode).toBe(200)
    await refused(once)
    expect(await allRows(t.services, 'passkeys')).toHaveLength(1)
    expect((await allRows(t.services, 'audit_events')).filter((e) => e.kind === 'second_factor_failed').map((e) => e.reason)).toEqual(Array(7).fill('passkey_not_verified'))
  })

  it('answers 400 for a body of the wrong shape, and 403 for bytes that are not WebAuthn', async () => {
    for (const payload of [{ name: 'x' }, { name: '', response: device.register(await creationOptions()) }, { name: 'x', response: { id: 'a' } }, { name: 'x'.repeat(65), response: device.register(await creationOptions()) }]) {
      const answer = await t.app.inject({ method: 'POST', url: '/api/me/passkeys', headers: auth(alice), payload })
      expect(answer.statusCode, JSON.stringify(payload).slice(0, 80)).toBe(400)
    }
    const good = device.register(await creationOptions())
    const garbage = await addPasskey({ ...good, response: { ...good.response, attestationObject: 'AAAA', clientDataJSON: 'e30' } })
    expect(garbage.statusCode).toBe(403)
  })

  it('renames and removes only its own passkeys; the last one takes the recovery codes with it', async () => {
    const { id } = await enrol()
    const rename = await t.app.inject({ method: 'PATCH', url: `/api/me/passkeys/${id}`, headers: auth(alice), payload: { name: 'Work laptop' } })
    expect(rename.statusCode, rename.body).toBe(204)
    const status = (await t.app.inject({ url: '/api/me/second-factors', headers: auth(alice) })).json()
    expect(status.passkeys[0].name).toBe('Work laptop')
    const bob = await t.login('bob', PASSWORD)
    expect((await t.app.inject({ method: 'PATCH', url: `/api/me/passkeys/${id}`, headers: auth(bob), payload: { name: 'mine' } })).statusCode).toBe(404)
    expect((await t.app.inject({ method: 'DELETE', url: `/api/me/passkeys/${id}`, headers: auth(bob) })).statusCode).toBe(404)
    expect((await t.app.inject({ method: 'DELETE', url: '/api/me/passkeys/abc', headers: auth(alice) })).statusCode).toBe(400)
    // With a passkey, the password alone no longer signs in.
    expect((await passwordStep()).methods).toEqual(['passkey', 'recovery_code'])
    const removed = await t.app.inject({ method: 'DELETE', url: `/api/me/passkeys/${id}`, headers: auth(alice) })
    expect(removed.statusCode).toBe(204)
    expect(await allRows(t.services, 'passkeys')).toEqual([])
    expect(await allRows(t.services, 'recovery_codes')).toEqual([])
    expect((await t.app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: 'alice', password: PASSWORD } })).json()).toHaveProperty('token')
    const kinds = (await allRows(t.services, 'audit_events')).map((e) => e.kind)
    expect(kinds).toEqual(expect.arrayContaining(['passkey_added', 'passkey_renamed', 'passkey_removed']))
  })
})

describe('signing in with a passkey', () => {
  it('signs in with no username; user verification makes it two factors', async () => {
    await enrol()
    t.clock.advance(60_000)
    const options = await signInOptions()
    expect(options.allowCredentials).toBeUndefined()
    expect(options.rpId).toBe('localhost')
    const done = await passkeySignIn(device.assert(options))
    expect(done.statusCode, done.body).toBe(200)
    expect(done.json()).toMatchObject({ tokenType: 'Bearer', user: { username: 'alice' } })
    expect(done.cookies.find((c) => c.name === 'tokenauth.sid')).toBeDefined()
    expect(await sessionAmr(done.json().token as string)).toEqual(['hwk', 'user', 'mfa'])
    const [stored] = await allRows(t.services, 'passkeys')
    expect(stored).toMatchObject({ counter: 2, last_used_at: t.clock() })
    const success = (await allRows(t.services, 'audit_events')).filter((e) => e.kind === 'login_succeeded').at(-1)
    expect([success?.reason, JSON.parse(String(success?.params))]).toEqual(['with_passkey', { verified: true }])
    expect((await t.app.inject({ url: '/api/me/second-factors', headers: auth(alice) })).json().passkeys[0].lastUsedAt).toBe(new Date(t.clock()).toISOString())
  })

  it('counts as one factor without user verification', async () => {
    const presenceOnly = new SoftAuthenticator({ userVerified: false })
    await enrol(presenceOnly)
    const done = await signInWith(presenceOnly)
    expect(done.statusCode, done.body).toBe(200)
    expect(await sessionAmr(done.json().token as string)).toEqual(['hwk'])
  })

  const refused = async (response: PasskeyAssertion) => {
    const answer = await passkeySignIn(response)
    expect(answer.statusCode, answer.body).toBe(401)
    expect(answer.json().error.code).toBe('invalid_passkey')
    expect(answer.cookies.find((c) => c.name === 'tokenauth.sid')).toBeUndefined()
  }

  it('refuses a replayed assertion, one made on another origin, for another RP, or in another ceremony: the same 401', async () => {
    await enrol()
    const once = device.assert(await signInOptions())
    expect((await passkeySignIn(once)).statusCode).toBe(200)
    await refused(once)
    await refused(device.assert(await signInOptions(), undefined, { origin: 'https://evil.example' }))
    await refused(device.assert(await signInOptions(), undefined, { rpId: 'evil.example' }))
    await refused(device.assert(await signInOptions(), undefined, { type: 'webauthn.create' }))
  })

  it('refuses a cloned authenticator (its counter did not move), a challenge of another ceremony, and a stale one', async () => {
    await enrol()
    expect((await signInWith()).statusCode).toBe(200)
    await refused(device.assert(await signInOptions(), undefined, { counter: 1 }))
    // The challenge of adding a passkey does not sign in.
    await refused(device.assert({ challenge: (await creationOptions(await t.login('bob', PASSWORD))).challenge }))
    const stale = await signInOptions()
    t.clock.advance(5 * 60_000 + 1)
    await refused(device.assert(stale))
  })

  it('refuses a passkey nobody has, and a disabled account', async () => {
    const stranger = new SoftAuthenticator()
    stranger.register({ ...(await creationOptions()), challenge: 'not-asked-for' })
    const unknown = await signInWith(stranger)
    expect(unknown.statusCode).toBe(401)
    await enrol()
    await inWriteTransaction(t.services.engine, NO_SESSION, (tx) => t.services.users.setDisabled(1, true, tx))
    const disabled = await signInWith()
    expect(disabled.statusCode).toBe(401)
    expect(disabled.body).toBe(unknown.body)
    expect((await allRows(t.services, 'passkeys'))[0]?.last_used_at).toBeNull()
    const reasons = (await allRows(t.services, 'audit_events')).filter((e) => e.kind === 'login_failed').map((e) => e.reason)
    expect(reasons).toEqual(['unknown_passkey', 'user_disabled'])
  })

  it('answers 400 for a body of the wrong shape and 401 for undecodable bytes, never 500', async () => {
    await enrol()
    for (const payload of [{}, { response: { id: 'a' } }, { response: 'x' }]) {
      expect((await t.app.inject({ method: 'POST', url: '/api/auth/passkey', payload })).statusCode).toBe(400)
    }
    const good = device.assert(await signInOptions())
    for (const response of [
      { ...good, response: { ...good.response, clientDataJSON: 'AAAA' } },
      { ...good, response: { ...good.response, authenticatorData: 'AA' } },
      { ...good, response: { ...good.response, signature: 'AAAA' } },
      { ...good, response: { ...good.response, userHandle: 'b3RoZXI' } },
    ]) {
      expect((await passkeySignIn(response)).statusCode).toBe(401)
    }
  })
})

describe('a passkey as the second factor after the password', () => {
  it('lists passkey in the methods with request options for its passkeys, and finishes the sign-in with an assertion', async () => {
    await enrol()
    const { challenge, methods, passkeyOptions } = await passwordStep()
    expect(methods).toEqual(['passkey', 'recovery_code'])
    expect(passkeyOptions?.allowCredentials?.map((c) => c.id)).toEqual(device.credentialIds)
    if (!passkeyOptions) throw new Error('no passkey options')
    const done = await secondStep({ challenge, passkey: device.assert(passkeyOptions) })
    expect(done.statusCode, done.body).toBe(200)
    expect(await sessionAmr(done.json().token as string)).toEqual(['pwd', 'hwk', 'mfa'])
    const success = (await allRows(t.services, 'audit_events')).filter((e) => e.kind === 'login_succeeded').at(-1)
    expect(success?.reason).toBe('with_passkey_second_factor')
    // Single use: neither the sign-in challenge nor the assertion works again.
    expect((await secondStep({ challenge, passkey: device.assert(passkeyOptions) })).json().error.code).toBe('invalid_challenge')
  })

  it("refuses another account's passkey, a sign-in challenge, another origin, a used assertion: 401 invalid_passkey", async () => {
    await enrol()
    const bob = await t.login('bob', PASSWORD)
    const bobsDevice = new SoftAuthenticator()
    await enrol(bobsDevice, bob)
    const refused = async (make: (options: PasskeyRequestOptions) => Promise<PasskeyAssertion> | PasskeyAssertion) => {
      const { challenge, passkeyOptions } = await passwordStep()
      if (!passkeyOptions) throw new Error('no passkey options')
      const answer = await secondStep({ challenge, passkey: await make(passkeyOptions) })
      expect(answer.statusCode, answer.body).toBe(401)
      expect(answer.json().error.code).toBe('invalid_passkey')
    }
    await refused((options) => bobsDevice.assert(options))
    await refused(async () => device.assert(await signInOptions()))
    await refused((options) => device.assert(options, undefined, { origin: 'http://localhost:5173' }))
    const used = await (async () => {
      const { challenge, passkeyOptions } = await passwordStep()
      if (!passkeyOptions) throw new Error('no passkey options')
      const assertion = device.assert(passkeyOptions)
      expect((await secondStep({ challenge, passkey: assertion })).statusCode).toBe(200)
      return assertion
    })()
    await refused(() => used)
    const failed = (await allRows(t.services, 'audit_events')).filter((e) => e.kind === 'second_factor_failed').map((e) => e.reason)
    expect(failed).toEqual(Array(4).fill('passkey_not_verified'))
  })

  it('counts failed passkeys in the sign-in throttle like wrong codes', async () => {
    await enrol()
    for (let i = 0; i < 5; i++) {
      const { challenge, passkeyOptions } = await passwordStep()
      if (!passkeyOptions) throw new Error('no passkey options')
      expect((await secondStep({ challenge, passkey: device.assert(passkeyOptions, undefined, { origin: 'https://evil.example' }) })).statusCode).toBe(401)
    }
    expect((await t.app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: 'alice', password: PASSWORD } })).statusCode).toBe(429)
  })

  it('offers the authenticator app and passkeys together when the account has both', async () => {
    await enrol()
    const begin = await t.app.inject({ method: 'POST', url: '/api/me/second-factors/totp', headers: auth(alice) })
    const confirm = await t.app.inject({ method: 'POST', url: '/api/me/second-factors/totp/confirm', headers: auth(alice), payload: { code: totpCode(begin.json().secret as string, t.clock()) } })
    expect(confirm.json().recoveryCodes).toEqual([])
    expect((await passwordStep()).methods).toEqual(['totp', 'passkey', 'recovery_code'])
    // Turning the app off keeps the passkey, and with it the recovery codes.
    t.clock.advance(30_000)
    const off = await t.app.inject({ method: 'DELETE', url: '/api/me/second-factors/totp', headers: auth(alice), payload: { password: PASSWORD } })
    expect(off.statusCode).toBe(204)
    expect((await passwordStep()).methods).toEqual(['passkey', 'recovery_code'])
    expect((await t.app.inject({ url: '/api/me/second-factors', headers: auth(alice) })).json().recoveryCodesLeft).toBe(10)
  })
})

describe('a site on an IP address', () => {
  it('has passkeys off: WebAuthn takes no IP address as relying-party ID', async () => {
    const onIp = await createTestApp({ PUBLIC_URL: 'http://192.168.1.20:3000' })
    try {
      await onIp.addUser('carol', PASSWORD)
      const carol = await onIp.login('carol', PASSWORD)
      for (const [url, headers] of [['/api/auth/passkey/options', {}], ['/api/me/passkeys/options', auth(carol)]] as const) {
        const answer = await onIp.app.inject({ method: 'POST', url, headers })
        expect(answer.statusCode, url).toBe(404)
        expect(answer.json().error.message).toContain('IP address')
      }
    } finally {
      await onIp.close()
    }
  })
})

describe('WebAuthn challenges', () => {
  it('are kept in the database, single-use, and pruned by the housekeeping once expired', async () => {
    await signInOptions()
    await signInOptions()
    const rows = await allRows(t.services, 'webauthn_challenges')
    expect(rows.map((r) => [r.purpose, r.user_id, r.expires_at])).toEqual([
      ['sign_in', null, t.clock() + 5 * 60_000],
      ['sign_in', null, t.clock() + 5 * 60_000],
    ])
    t.clock.advance(5 * 60_000)
    expect((await pruneExpired(t.services)).webauthnChallenges).toBe(2)
    expect(await allRows(t.services, 'webauthn_challenges')).toEqual([])
  })

  it('a ceremony begun on one instance finishes on another sharing the database', async () => {
    // The same database: the same file on SQLite, the same DATABASE_URL under TEST_ENGINE=postgres.
    const shared: Record<string, string> = t.services.config.databaseUrl ? { DATABASE_URL: t.services.config.databaseUrl } : {}
    const other = await createTestApp(shared, t.keys, { dataDir: t.dataDir, clock: t.clock })
    try {
      const options = (await other.app.inject({ method: 'POST', url: '/api/me/passkeys/options', headers: auth(alice) })).json() as PasskeyCreationOptions
      expect((await addPasskey(device.register(options))).statusCode).toBe(200)
      const signIn = (await other.app.inject({ method: 'POST', url: '/api/auth/passkey/options' })).json() as PasskeyRequestOptions
      expect((await passkeySignIn(device.assert(signIn))).statusCode).toBe(200)
    } finally {
      await other.close()
    }
  })
})
