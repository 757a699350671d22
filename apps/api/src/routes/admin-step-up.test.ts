import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createTestApp, type TestApp } from '../test-support/test-app.js'
import { snapshotTables, tableNames } from '../test-support/db-snapshot.js'
import { asOperator } from '../test-support/as-operator.js'
import { totpCode } from '../second-factor/totp.js'
import { SoftAuthenticator } from '../test-support/soft-authenticator.js'
import type { PasskeyCreationOptions } from '@tokenauth/shared'

/**
 * A stolen admin token alone must not make a backdoor admin or shut the real admins out:
 * every admin write on users needs a proof within STEP_UP_MAX_AGE (RFC 9470 step-up),
 * refused with 401 `insufficient_user_authentication` and its challenge, nothing changed.
 */
const PASSWORD = 'correct horse battery'
const NEW_PASSWORD = 'a brand new passphrase'
const CHALLENGE =
  'Bearer realm="tokenauth", error="insufficient_user_authentication", ' +
  'error_description="This needs a recent proof of who you are. Please confirm it and try again.", max_age=300'
const STEP_UP_WINDOW_MS = 5 * 60_000

let t: TestApp
let token: string
let otherAdminId: number
let aliceId: number
let tables: string[]
beforeEach(async () => {
  t = await createTestApp()
  await t.addUser('root', PASSWORD, ['admin'])
  otherAdminId = (await t.addUser('second-admin', PASSWORD, ['admin'])).id
  aliceId = (await t.addUser('alice', PASSWORD)).id
  await t.login('second-admin', PASSWORD)
  await t.login('alice', PASSWORD)
  token = (await t.login('root', PASSWORD)).token
  // What the actions change; the audit log is looked at on its own.
  tables = (await tableNames(t.services.engine)).filter((name) => name !== 'audit_events')
})
afterEach(async () => t.close())

type Method = 'POST' | 'PUT' | 'DELETE'
interface AdminRequest {
  readonly name: string
  readonly method: Method
  readonly url: () => string
  readonly body?: Readonly<Record<string, unknown>>
  readonly before?: () => Promise<unknown>
}

const send = (request: AdminRequest, withToken = token) =>
  t.app.inject({ method: request.method, url: request.url(), headers: { token: withToken }, ...(request.body === undefined ? {} : { payload: request.body }) })

async function stepUpWithPassword(): Promise<string> {
  const response = await t.app.inject({ method: 'POST', url: '/api/auth/step-up', headers: { token }, payload: { password: PASSWORD } })
  expect(response.statusCode).toBe(200)
  return (response.json() as { token: string }).token
}

const EVERY_WRITE: readonly AdminRequest[] = [
  { name: 'create an admin', method: 'POST', url: () => '/api/users', body: { username: 'backdoor', password: NEW_PASSWORD, roles: ['admin'] } },
  { name: 'create a plain user', method: 'POST', url: () => '/api/users', body: { username: 'plain', password: NEW_PASSWORD, roles: ['editor'] } },
  { name: 'give a user the admin role', method: 'PUT', url: () => `/api/users/${aliceId}/roles`, body: { roles: ['admin'] } },
  { name: 'demote another admin', method: 'PUT', url: () => `/api/users/${otherAdminId}/roles`, body: { roles: [] } },
  { name: 'disable another admin', method: 'POST', url: () => `/api/users/${otherAdminId}/disable` },
  {
    name: 'enable a user',
    method: 'POST',
    url: () => `/api/users/${aliceId}/enable`,
    before: () => asOperator(t.services.engine, (tx) => t.services.users.setDisabled(aliceId, true, tx)),
  },
  { name: 'delete another admin', method: 'DELETE', url: () => `/api/users/${otherAdminId}` },
  { name: "end a user's sessions", method: 'DELETE', url: () => `/api/users/${aliceId}/sessions` },
  { name: "reset another admin's password", method: 'POST', url: () => `/api/users/${otherAdminId}/password`, body: { newPassword: NEW_PASSWORD } },
  { name: "reset a user's second factors", method: 'DELETE', url: () => `/api/users/${aliceId}/second-factors` },
]

describe.each(EVERY_WRITE)('$name needs a recent proof', (request) => {
  it('right after sign-in: done (a sign-in is a proof)', async () => {
    await request.before?.()
    const response = await send(request)
    expect(response.statusCode, response.body).toBeLessThan(300)
  })

  it('after STEP_UP_MAX_AGE: 401 with the RFC 9470 challenge, nothing changed; after a step-up: done, without a proof in the body', async () => {
    await request.before?.()
    t.clock.advance(STEP_UP_WINDOW_MS + 1000)
    const before = await snapshotTables(t.services.engine, tables)
    const refused = await send(request)
    expect(refused.statusCode).toBe(401)
    expect(refused.headers['www-authenticate']).toBe(CHALLENGE)
    expect(refused.json()).toEqual({ error: { code: 'insufficient_user_authentication', message: expect.any(String) } })
    expect(await snapshotTables(t.services.engine, tables)).toEqual(before)
    const done = await send(request, await stepUpWithPassword())
    expect(done.statusCode, done.body).toBeLessThan(300)
  })
})

describe('a stolen admin token without a fresh proof', () => {
  it('can neither create an admin nor disable the real one; reading stays open', async () => {
    t.clock.advance(STEP_UP_WINDOW_MS + 1000)
    const backdoor = await send(EVERY_WRITE[0] as AdminRequest)
    expect(backdoor.statusCode).toBe(401)
    const disable = await send({ name: 'disable', method: 'POST', url: () => `/api/users/${otherAdminId}/disable` })
    expect(disable.statusCode).toBe(401)
    expect(await t.services.users.findByUsername('backdoor')).toBeUndefined()
    expect((await t.services.users.findById(otherAdminId))?.disabled).toBe(false)
    expect((await t.app.inject({ url: '/api/users', headers: { token } })).statusCode).toBe(200)
  })

  it('nor with the admin’s phished password when the admin has an authenticator app: that needs the code', async () => {
    const begin = await t.app.inject({ method: 'POST', url: '/api/me/second-factors/totp', headers: { token } })
    const secret = (begin.json() as { secret: string }).secret
    expect((await t.app.inject({ method: 'POST', url: '/api/me/second-factors/totp/confirm', headers: { token }, payload: { code: totpCode(secret, t.clock()) } })).statusCode).toBe(200)
    t.clock.advance(STEP_UP_WINDOW_MS + 1000)
    const withPassword = await t.app.inject({ method: 'POST', url: '/api/auth/step-up', headers: { token }, payload: { password: PASSWORD } })
    expect(withPassword.statusCode).toBe(403)
    expect(withPassword.json().error.code).toBe('second_factor_required')
    expect((await send(EVERY_WRITE[0] as AdminRequest)).statusCode).toBe(401)
    const withCode = await t.app.inject({ method: 'POST', url: '/api/auth/step-up', headers: { token }, payload: { totp: totpCode(secret, t.clock()) } })
    expect(withCode.statusCode).toBe(200)
    expect((await send(EVERY_WRITE[0] as AdminRequest, (withCode.json() as { token: string }).token)).statusCode).toBe(201)
  })
})

describe('STEP_UP_MAX_AGE', () => {
  it('takes seconds (3s): a proof is good for 3 s on the app’s clock, then a step-up renews it', async () => {
    await t.close()
    t = await createTestApp({ STEP_UP_MAX_AGE: '3s' })
    await t.addUser('root', PASSWORD, ['admin'])
    aliceId = (await t.addUser('alice', PASSWORD)).id
    token = (await t.login('root', PASSWORD)).token
    const endSessions: AdminRequest = { name: 'end', method: 'DELETE', url: () => `/api/users/${aliceId}/sessions` }
    t.clock.advance(2000)
    expect((await send(endSessions)).statusCode).toBe(200)
    t.clock.advance(2000)
    const expired = await send(endSessions)
    expect(expired.statusCode).toBe(401)
    expect(expired.headers['www-authenticate']).toMatch(/, max_age=3$/)
    const fresh = await stepUpWithPassword()
    expect((await send(endSessions, fresh)).statusCode).toBe(200)
    t.clock.advance(3500)
    expect((await send(endSessions, fresh)).statusCode).toBe(401)
  })
})

describe('DELETE /api/users/:id/second-factors', () => {
  it('removes the person’s authenticator app, passkeys and recovery codes: they sign in with the password and enrol again; audited', async () => {
    const alice = await t.login('alice', PASSWORD)
    const begin = await t.app.inject({ method: 'POST', url: '/api/me/second-factors/totp', headers: { token: alice.token } })
    const secret = (begin.json() as { secret: string }).secret
    await t.app.inject({ method: 'POST', url: '/api/me/second-factors/totp/confirm', headers: { token: alice.token }, payload: { code: totpCode(secret, t.clock()) } })
    const options = (await t.app.inject({ method: 'POST', url: '/api/me/passkeys/options', headers: { token: alice.token } })).json() as PasskeyCreationOptions
    const added = await t.app.inject({ method: 'POST', url: '/api/me/passkeys', headers: { token: alice.token }, payload: { name: 'Laptop', response: new SoftAuthenticator().register(options) } })
    expect(added.statusCode, added.body).toBe(200)
    expect((await t.app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: 'alice', password: PASSWORD } })).json()).toHaveProperty('mfaRequired', true)
    const reset = await send(EVERY_WRITE[9] as AdminRequest)
    expect(reset.statusCode).toBe(204)
    expect((await t.app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: 'alice', password: PASSWORD } })).json()).toHaveProperty('token')
    expect((await t.app.inject({ url: '/api/me/second-factors', headers: { token: alice.token } })).json()).toEqual({ totp: { enabled: false }, passkeys: [], recoveryCodesLeft: 0 })
    const [event] = (await t.services.auditStore.page({ limit: 5, kind: 'second_factors_reset' })).events
    expect(event).toMatchObject({ userId: aliceId, username: 'alice', detail: { reason: 'second_factors_reset_by_admin', params: { actor: 'root' } } })
    // Again: nothing left, nothing recorded.
    expect((await send(EVERY_WRITE[9] as AdminRequest)).statusCode).toBe(204)
    expect((await t.services.auditStore.page({ limit: 5, kind: 'second_factors_reset' })).events).toHaveLength(1)
  })

  it('is for admins only (403), and 404 for an unknown user', async () => {
    const alice = await t.login('alice', PASSWORD)
    expect((await t.app.inject({ method: 'DELETE', url: `/api/users/${otherAdminId}/second-factors`, headers: { token: alice.token } })).statusCode).toBe(403)
    expect((await t.app.inject({ method: 'DELETE', url: '/api/users/999/second-factors', headers: { token } })).statusCode).toBe(404)
  })
})
