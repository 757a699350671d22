import { execFileSync } from 'node:child_process'
import { PassThrough } from 'node:stream'
import { setTimeout as sleep } from 'node:timers/promises'
import { afterEach, describe, expect, it } from 'vitest'
import { loadConfig, ConfigError } from '../config/config.js'
import { createTestApp, type LoginResult, type TestApp } from '../test-support/test-app.js'
import { SoftAuthenticator } from '../test-support/soft-authenticator.js'

const PASSWORD = 'correct horse battery'
const NEW_PASSWORD = 'a brand new passphrase'
let t: TestApp

afterEach(async () => t?.close())

/** The code an authenticator app shows at `at` (ms), computed by oathtool, not by the server's library. */
function oathtool(secret: string, at: number): string {
  return execFileSync('oathtool', ['--totp', '-b', '-N', `@${Math.floor(at / 1000)}`, secret], { encoding: 'utf8' }).trim()
}

const as = (login: { token: string }) => ({ authorization: `Bearer ${login.token}` })
const get = (url: string, login: { token: string }) => t.app.inject({ method: 'GET', url, headers: as(login) })
const post = (url: string, login: { token: string }, payload?: object) => t.app.inject({ method: 'POST', url, headers: as(login), ...(payload ? { payload } : {}) })

async function expectRefused(login: { token: string }, code: string): Promise<void> {
  for (const [method, url, payload] of [
    ['GET', '/api/notes'],
    ['POST', '/api/notes', { text: 'hello' }],
    ['GET', '/api/sessions'],
    ['GET', '/api/me/sign-ins'],
    ['GET', '/api/cookies'],
    ['DELETE', '/api/sessions'],
  ] as const) {
    const response = await t.app.inject({ method, url, headers: as(login), ...(payload ? { payload } : {}) })
    expect(response.statusCode, `${method} ${url}`).toBe(403)
    expect(response.json().error.code, `${method} ${url}`).toBe(code)
  }
}

async function refresh(login: LoginResult): Promise<{ token: string; restriction?: string }> {
  const response = await t.app.inject({ method: 'POST', url: '/api/auth/refresh', headers: { cookie: login.cookie, 'x-tokenauth-refresh': '1' } })
  expect(response.statusCode).toBe(200)
  return response.json() as { token: string; restriction?: string }
}

async function enrolTotp(login: { token: string }): Promise<void> {
  const begin = await post('/api/me/second-factors/totp', login)
  expect(begin.statusCode).toBe(200)
  const { secret } = begin.json() as { secret: string }
  const confirm = await post('/api/me/second-factors/totp/confirm', login, { code: oathtool(secret, t.clock()) })
  expect(confirm.statusCode).toBe(200)
}

describe('MFA_REQUIRED=everyone', () => {
  it('restricts an account without a second factor to enrolling one, and lifts it in the same session', async () => {
    t = await createTestApp({ MFA_REQUIRED: 'everyone' })
    await t.addUser('alice', PASSWORD)
    const alice = await t.login('alice', PASSWORD)
    // The sign-in answer tells the client where to send the person.
    expect(alice.restriction).toBe('second_factor_enrolment_required')
    const me = await get('/api/me', alice)
    expect(me.statusCode).toBe(200)
    expect(me.json()).toMatchObject({ username: 'alice', restriction: 'second_factor_enrolment_required' })
    await expectRefused(alice, 'second_factor_enrolment_required')
    expect((await get('/api/me/second-factors', alice)).statusCode).toBe(200)
    expect((await get('/api/session', alice)).statusCode).toBe(200)
    // The one thing that is not the enrolment stays closed too: changing the password.
    const change = await post('/api/me/password', alice, { currentPassword: PASSWORD, newPassword: NEW_PASSWORD })
    expect(change.json().error.code).toBe('second_factor_enrolment_required')
    // Renewing through the cookie gives a token restricted the same.
    await expectRefused(await refresh(alice), 'second_factor_enrolment_required')

    await enrolTotp(alice)
    expect(await refresh(alice)).not.toHaveProperty('restriction')
    const after = await get('/api/me', alice)
    expect(after.json()).not.toHaveProperty('restriction')
    expect((await get('/api/notes', alice)).statusCode).toBe(200)
    expect((await post('/api/notes', alice, { text: 'hello' })).statusCode).toBe(201)
  })

  it('lifts it with a passkey as well, and brings it back when the last factor goes', async () => {
    t = await createTestApp({ MFA_REQUIRED: 'everyone' })
    await t.addUser('alice', PASSWORD)
    const alice = await t.login('alice', PASSWORD)
    const options = await post('/api/me/passkeys/options', alice)
    expect(options.statusCode).toBe(200)
    const added = await post('/api/me/passkeys', alice, { name: 'Laptop', response: new SoftAuthenticator().register(options.json()) })
    expect(added.statusCode).toBe(200)
    expect((await get('/api/notes', alice)).statusCode).toBe(200)
    // Removing it (a fresh sign-in counts as the step-up) leaves the account without a factor: restricted again.
    const removed = await t.app.inject({ method: 'DELETE', url: `/api/me/passkeys/${added.json().passkey.id as number}`, headers: as(alice) })
    expect(removed.statusCode).toBe(204)
    await expectRefused(alice, 'second_factor_enrolment_required')
  })

  it('MFA_REQUIRED=none restricts nobody', async () => {
    t = await createTestApp({ MFA_REQUIRED: 'none' })
    await t.addUser('alice', PASSWORD)
    const alice = await t.login('alice', PASSWORD)
    expect((await get('/api/notes', alice)).statusCode).toBe(200)
    expect((await get('/api/me', alice)).json()).not.toHaveProperty('restriction')
  })
})

describe('a restriction that begins while a body is on its way', () => {
  it('is judged again once the body is in: no note from a session that lost its last factor meanwhile', async () => {
    t = await createTestApp({ MFA_REQUIRED: 'everyone' })
    await t.addUser('alice', PASSWORD)
    const alice = await t.login('alice', PASSWORD)
    await enrolTotp(alice)
    const body = new PassThrough()
    const pending = t.app.inject({ method: 'POST', url: '/api/notes', headers: { ...as(alice), 'content-type': 'application/json' }, payload: body })
    await sleep(20)
    const off = await t.app.inject({ method: 'DELETE', url: '/api/me/second-factors/totp', headers: as(alice) })
    expect(off.statusCode).toBe(204)
    body.end(JSON.stringify({ text: 'sent with a factor, finished without' }))
    const response = await pending
    expect(response.statusCode).toBe(403)
    expect(response.json().error.code).toBe('second_factor_enrolment_required')
    expect(await t.services.notes.list()).toHaveLength(0)
  })
})

describe('MFA_REQUIRED=admins', () => {
  it('covers only the admins', async () => {
    t = await createTestApp({ MFA_REQUIRED: 'admins' })
    await t.addUser('root', PASSWORD, ['admin'])
    await t.addUser('alice', PASSWORD)
    const root = await t.login('root', PASSWORD)
    const alice = await t.login('alice', PASSWORD)
    expect((await get('/api/users', root)).json().error.code).toBe('second_factor_enrolment_required')
    expect((await get('/api/notes', alice)).statusCode).toBe(200)
    await enrolTotp(root)
    expect((await get('/api/users', root)).statusCode).toBe(200)
  })
})

describe('must change the password', () => {
  async function withAdmin(env: Record<string, string> = {}): Promise<LoginResult> {
    t = await createTestApp(env)
    await t.addUser('root', PASSWORD, ['admin'])
    return t.login('root', PASSWORD)
  }

  it('set on create: the person can do nothing but change it, then carries on in the same session', async () => {
    const root = await withAdmin()
    const created = await post('/api/users', root, { username: 'bob', password: PASSWORD, roles: [], mustChangePassword: true })
    expect(created.statusCode).toBe(201)
    const bob = await t.login('bob', PASSWORD)
    expect(bob.restriction).toBe('password_change_required')
    expect((await get('/api/me', bob)).json()).toMatchObject({ username: 'bob', restriction: 'password_change_required' })
    await expectRefused(bob, 'password_change_required')
    // Enrolling a second factor is not the way out.
    expect((await post('/api/me/second-factors/totp', bob)).json().error.code).toBe('password_change_required')
    const renewed = await refresh(bob)
    expect(renewed.restriction).toBe('password_change_required')
    await expectRefused(renewed, 'password_change_required')
    // The new password must pass the policy, and the current one is still asked for.
    expect((await post('/api/me/password', bob, { currentPassword: 'not it at all', newPassword: NEW_PASSWORD })).statusCode).toBe(403)
    expect((await post('/api/me/password', bob, { currentPassword: PASSWORD, newPassword: 'password1' })).statusCode).toBe(400)
    const change = await post('/api/me/password', bob, { currentPassword: PASSWORD, newPassword: NEW_PASSWORD })
    expect(change.statusCode).toBe(200)
    expect((await get('/api/me', bob)).json()).not.toHaveProperty('restriction')
    expect((await get('/api/notes', bob)).statusCode).toBe(200)
    expect((await t.services.users.findByUsername('bob'))?.mustChangePassword).toBe(false)
    const events = await t.services.auditStore.page({ limit: 10, kind: 'user_created' })
    expect(events.events[0]?.detail).toMatchObject({ reason: 'created_by_admin_must_change' })
  })

  it('not set on create without the box', async () => {
    const root = await withAdmin()
    await post('/api/users', root, { username: 'bob', password: PASSWORD, roles: [] })
    expect((await get('/api/notes', await t.login('bob', PASSWORD))).statusCode).toBe(200)
  })

  it('set by a reset, which ends the sessions; cleared by a reset without it', async () => {
    const root = await withAdmin()
    const { id } = await t.addUser('alice', PASSWORD)
    const before = await t.login('alice', PASSWORD)
    const reset = await post(`/api/users/${id}/password`, root, { newPassword: NEW_PASSWORD, mustChangePassword: true })
    expect(reset.statusCode).toBe(200)
    expect((await get('/api/me', before)).statusCode).toBe(401)
    const alice = await t.login('alice', NEW_PASSWORD)
    await expectRefused(alice, 'password_change_required')
    const again = await post(`/api/users/${id}/password`, root, { newPassword: PASSWORD })
    expect(again.statusCode).toBe(200)
    expect((await get('/api/notes', await t.login('alice', PASSWORD))).statusCode).toBe(200)
  })

  it('comes before the enrolment: with MFA_REQUIRED the person changes the password, then enrols', async () => {
    const root = await withAdmin({ MFA_REQUIRED: 'everyone' })
    await enrolTotp(root)
    await post('/api/users', root, { username: 'bob', password: PASSWORD, roles: [], mustChangePassword: true })
    const bob = await t.login('bob', PASSWORD)
    await expectRefused(bob, 'password_change_required')
    expect((await post('/api/me/password', bob, { currentPassword: PASSWORD, newPassword: NEW_PASSWORD })).statusCode).toBe(200)
    await expectRefused(bob, 'second_factor_enrolment_required')
  })

  it('refuses a mustChangePassword that is not a boolean', async () => {
    const root = await withAdmin()
    const response = await post('/api/users', root, { username: 'bob', password: PASSWORD, roles: [], mustChangePassword: 'yes' })
    expect(response.statusCode).toBe(400)
    expect(response.json().error.code).toBe('bad_request')
  })
})

describe('sign-in options and configuration', () => {
  it('serves ADMIN_CONTACT with the sign-in options, and nothing when unset', async () => {
    t = await createTestApp({ ADMIN_CONTACT: 'it-help@example.com' })
    expect((await t.app.inject({ method: 'GET', url: '/api/auth/login' })).json()).toEqual({ rememberMeSeconds: expect.any(Number), adminContact: 'it-help@example.com' })
    await t.close()
    t = await createTestApp()
    expect((await t.app.inject({ method: 'GET', url: '/api/auth/login' })).json()).not.toHaveProperty('adminContact')
  })

  it('refuses a bad MFA_REQUIRED or ADMIN_CONTACT at start', () => {
    expect(loadConfig({ NODE_ENV: 'test', MFA_REQUIRED: 'everyone' }).mfaRequired).toBe('everyone')
    expect(loadConfig({ NODE_ENV: 'test' }).mfaRequired).toBe('none')
    expect(() => loadConfig({ NODE_ENV: 'test', MFA_REQUIRED: 'all' })).toThrow(ConfigError)
    expect(() => loadConfig({ NODE_ENV: 'test', MFA_REQUIRED: 'all' })).toThrow(/MFA_REQUIRED must be none or admins or everyone/)
    expect(() => loadConfig({ NODE_ENV: 'test', ADMIN_CONTACT: 'line one\nline two' })).toThrow(/ADMIN_CONTACT/)
  })
})
