import { execFileSync } from 'node:child_process'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { allRows, createTestApp, type LoginResult, type TestApp } from '../test-support/test-app.js'
import { TEST_DATA_KEY } from '../test-support/test-app.js'
import { DataKeyRing } from '../second-factor/data-keys.js'
import { pruneExpired } from '../housekeeping.js'

const PASSWORD = 'correct horse battery'
let t: TestApp
let alice: LoginResult

/** The code an authenticator app shows at `at` (ms), computed by oathtool, not by the server's library. */
function oathtool(secret: string, at: number): string {
  return execFileSync('oathtool', ['--totp', '-b', '-N', `@${Math.floor(at / 1000)}`, secret], { encoding: 'utf8' }).trim()
}

const auth = (login: { token: string }) => ({ authorization: `Bearer ${login.token}` })

async function enrol(login: LoginResult): Promise<{ secret: string; recoveryCodes: string[] }> {
  const begin = await t.app.inject({ method: 'POST', url: '/api/me/second-factors/totp', headers: auth(login) })
  expect(begin.statusCode).toBe(200)
  const { secret } = begin.json() as { secret: string }
  const confirm = await t.app.inject({ method: 'POST', url: '/api/me/second-factors/totp/confirm', headers: auth(login), payload: { code: oathtool(secret, t.clock()) } })
  expect(confirm.statusCode).toBe(200)
  return { secret, recoveryCodes: (confirm.json() as { recoveryCodes: string[] }).recoveryCodes }
}

async function passwordStep(): Promise<string> {
  const response = await t.app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: 'alice', password: PASSWORD } })
  expect(response.statusCode).toBe(200)
  const body = response.json() as { mfaRequired: boolean; challenge: string; token?: string }
  expect(body.mfaRequired).toBe(true)
  expect(body.token).toBeUndefined()
  expect(response.cookies.find((c) => c.name === 'tokenauth.sid')).toBeUndefined()
  return body.challenge
}

const secondStep = (payload: Record<string, string | undefined>) => t.app.inject({ method: 'POST', url: '/api/auth/login/second-factor', payload })

beforeEach(async () => {
  t = await createTestApp({ MFA_ISSUER: 'Acme' })
  await t.addUser('alice', PASSWORD)
  alice = await t.login('alice', PASSWORD)
})
afterEach(async () => t.close())

describe('enrolling an authenticator app', () => {
  it('answers a secret, its otpauth URI and QR code, and turns on only after a valid code', async () => {
    const begin = await t.app.inject({ method: 'POST', url: '/api/me/second-factors/totp', headers: auth(alice) })
    const { secret, uri, qrSvg } = begin.json() as { secret: string; uri: string; qrSvg: string }
    expect(secret).toMatch(/^[A-Z2-7]{32}$/)
    expect(uri).toBe(`otpauth://totp/Acme:alice?issuer=Acme&secret=${secret}&algorithm=SHA1&digits=6&period=30`)
    expect(qrSvg).toMatch(/^<svg[\s\S]*<\/svg>$/)
    // Not on yet: the password alone still signs in.
    expect((await t.app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: 'alice', password: PASSWORD } })).json()).toHaveProperty('token')
    const wrong = await t.app.inject({ method: 'POST', url: '/api/me/second-factors/totp/confirm', headers: auth(alice), payload: { code: '000000' === oathtool(secret, t.clock()) ? '111111' : '000000' } })
    expect(wrong.statusCode).toBe(403)
    expect(wrong.json().error.code).toBe('invalid_second_factor')
    const confirm = await t.app.inject({ method: 'POST', url: '/api/me/second-factors/totp/confirm', headers: auth(alice), payload: { code: oathtool(secret, t.clock()) } })
    const codes = (confirm.json() as { recoveryCodes: string[] }).recoveryCodes
    expect(codes).toHaveLength(10)
    expect(new Set(codes).size).toBe(10)
    const status = await t.app.inject({ method: 'GET', url: '/api/me/second-factors', headers: auth(alice) })
    expect(status.json()).toEqual({ totp: { enabled: true }, passkeys: [], recoveryCodesLeft: 10 })
    expect((await allRows(t.services, 'audit_events')).map((e) => e.kind)).toContain('totp_enabled')
  })

  it('keeps the secret sealed with DATA_KEYS and the recovery codes hashed: the database alone reveals neither', async () => {
    const { secret, recoveryCodes } = await enrol(alice)
    const [factor] = await allRows(t.services, 'totp_factors')
    expect(String(factor?.secret)).not.toContain(secret)
    expect(new DataKeyRing([TEST_DATA_KEY]).open(String(factor?.secret), 'totp:1')).toBe(secret)
    const stored = (await allRows(t.services, 'recovery_codes')).map((r) => String(r.code_hash)).join(' ')
    for (const code of recoveryCodes) expect(stored).not.toContain(code.replaceAll('-', ''))
  })
})

describe('signing in with a second factor', () => {
  it('answers a challenge after the password, then the session and token after the code', async () => {
    const { secret } = await enrol(alice)
    t.clock.advance(30_000)
    const challenge = await passwordStep()
    const done = await secondStep({ challenge, totp: oathtool(secret, t.clock()) })
    expect(done.statusCode).toBe(200)
    expect(done.json()).toMatchObject({ tokenType: 'Bearer', user: { username: 'alice' } })
    expect(done.cookies.find((c) => c.name === 'tokenauth.sid')).toBeDefined()
    const session = (await allRows(t.services, 'sessions')).find((s) => s.amr !== null && String(s.amr).includes('mfa'))
    expect(JSON.parse(String(session?.amr))).toEqual(['pwd', 'otp', 'mfa'])
    expect(session?.auth_time).toBe(t.clock())
    // Single use: the same challenge does not sign in twice.
    expect((await secondStep({ challenge, totp: oathtool(secret, t.clock()) })).json().error.code).toBe('invalid_challenge')
  })

  it('never accepts a code twice, nor an older one after a newer', async () => {
    const { secret } = await enrol(alice)
    t.clock.advance(60_000)
    const code = oathtool(secret, t.clock())
    expect((await secondStep({ challenge: await passwordStep(), totp: code })).statusCode).toBe(200)
    const replay = await secondStep({ challenge: await passwordStep(), totp: code })
    expect(replay.statusCode).toBe(401)
    expect(replay.json().error.code).toBe('invalid_second_factor')
    // The previous step is inside the ±1 window but older than the accepted one.
    expect((await secondStep({ challenge: await passwordStep(), totp: oathtool(secret, t.clock() - 30_000) })).statusCode).toBe(401)
    // The enrolment code itself counts as used.
    t.clock.advance(30_000)
    expect((await secondStep({ challenge: await passwordStep(), totp: oathtool(secret, t.clock()) })).statusCode).toBe(200)
  })

  it('signs in once with each recovery code; the profile counts what is left', async () => {
    const { recoveryCodes } = await enrol(alice)
    const [first = ''] = recoveryCodes
    expect((await secondStep({ challenge: await passwordStep(), recoveryCode: first.toUpperCase() })).statusCode).toBe(200)
    const again = await secondStep({ challenge: await passwordStep(), recoveryCode: first })
    expect(again.json().error.code).toBe('invalid_second_factor')
    const status = await t.app.inject({ method: 'GET', url: '/api/me/second-factors', headers: auth(alice) })
    expect(status.json().recoveryCodesLeft).toBe(9)
    const kinds = (await allRows(t.services, 'audit_events')).map((e) => e.kind)
    expect(kinds).toContain('recovery_code_used')
    expect(kinds).toContain('second_factor_failed')
  })

  it('counts wrong codes in the sign-in throttle: after five, even the right code waits', async () => {
    const { secret } = await enrol(alice)
    t.clock.advance(30_000)
    const right = oathtool(secret, t.clock())
    const wrong = right === '123456' ? '654321' : '123456'
    for (let i = 0; i < 5; i++) {
      const challenge = await passwordStep()
      expect((await secondStep({ challenge, totp: wrong })).statusCode).toBe(401)
    }
    // The challenge of a throttled account cannot even be opened, and the code is not checked.
    const blocked = await t.app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: 'alice', password: PASSWORD } })
    expect(blocked.statusCode).toBe(429)
  })

  it('refuses an expired, unknown or voided challenge, and keeps no enumeration: wrong password is the same 401 as before', async () => {
    const { secret } = await enrol(alice)
    const challenge = await passwordStep()
    t.clock.advance(5 * 60_000 + 1)
    expect((await secondStep({ challenge, totp: oathtool(secret, t.clock()) })).json().error.code).toBe('invalid_challenge')
    expect((await pruneExpired(t.services)).signInChallenges).toBe(1)
    expect(await allRows(t.services, 'sign_in_challenges')).toEqual([])
    expect((await secondStep({ challenge: 'x'.repeat(43), totp: '123456' })).statusCode).toBe(401)
    const wrongPassword = await t.app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: 'alice', password: 'wrong password!' } })
    const unknown = await t.app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: 'nobody', password: 'wrong password!' } })
    expect(wrongPassword.statusCode).toBe(401)
    expect(wrongPassword.body).toBe(unknown.body)
    // Turning the factor off voids pending sign-ins.
    const pending = await passwordStep()
    // The sign-in is older than STEP_UP_MAX_AGE now: a step-up with a code first.
    const fresh = (await t.app.inject({ method: 'POST', url: '/api/auth/step-up', headers: auth(alice), payload: { totp: oathtool(secret, t.clock()) } })).json() as { token: string }
    const off = await t.app.inject({ method: 'DELETE', url: '/api/me/second-factors/totp', headers: auth(fresh) })
    expect(off.statusCode).toBe(204)
    expect((await secondStep({ challenge: pending, recoveryCode: 'aaaa-aaaa-aaaa' })).json().error.code).toBe('invalid_challenge')
  })

  it('answers 400 for a code of the wrong shape', async () => {
    for (const payload of [{ challenge: 'c', totp: '12345' }, { challenge: 'c', totp: 'abcdef' }, { challenge: 'c' }, { challenge: 'c', totp: '123456', recoveryCode: 'aaaa-aaaa-aaaa' }]) {
      const response = await secondStep(payload)
      expect(response.statusCode).toBe(400)
      expect(response.json().error.code).toBe('bad_request')
    }
  })
})

describe('managing second factors', () => {
  it('turns the app off with a recent proof only: 401 insufficient_user_authentication after the window, done after a step-up', async () => {
    const { secret } = await enrol(alice)
    t.clock.advance(5 * 60_000 + 1000)
    const stale = await t.app.inject({ method: 'DELETE', url: '/api/me/second-factors/totp', headers: auth(alice) })
    expect(stale.statusCode).toBe(401)
    expect(stale.json().error.code).toBe('insufficient_user_authentication')
    expect(stale.headers['www-authenticate']).toMatch(/error="insufficient_user_authentication".*max_age=300$/)
    expect((await t.app.inject({ method: 'GET', url: '/api/me/second-factors', headers: auth(alice) })).json().totp).toEqual({ enabled: true })
    const fresh = (await t.app.inject({ method: 'POST', url: '/api/auth/step-up', headers: auth(alice), payload: { totp: oathtool(secret, t.clock()) } })).json() as { token: string }
    const off = await t.app.inject({ method: 'DELETE', url: '/api/me/second-factors/totp', headers: auth(fresh) })
    expect(off.statusCode).toBe(204)
    expect((await t.app.inject({ method: 'GET', url: '/api/me/second-factors', headers: auth(alice) })).json()).toEqual({ totp: { enabled: false }, passkeys: [], recoveryCodesLeft: 0 })
    expect((await t.app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: 'alice', password: PASSWORD } })).json()).toHaveProperty('token')
    expect((await t.app.inject({ method: 'DELETE', url: '/api/me/second-factors/totp', headers: auth(fresh) })).statusCode).toBe(404)
  })

  it('regenerating recovery codes and beginning an enrolment need a recent proof too', async () => {
    await enrol(alice)
    t.clock.advance(5 * 60_000 + 1000)
    const codes = await t.app.inject({ method: 'POST', url: '/api/me/second-factors/recovery-codes', headers: auth(alice) })
    expect(codes.statusCode).toBe(401)
    expect(codes.json().error.code).toBe('insufficient_user_authentication')
    const other = await t.addUser('bob', PASSWORD)
    expect(other.id).toBeGreaterThan(0)
    const bob = await t.login('bob', PASSWORD)
    t.clock.advance(5 * 60_000 + 1000)
    const begin = await t.app.inject({ method: 'POST', url: '/api/me/second-factors/totp', headers: auth(bob) })
    expect(begin.statusCode).toBe(401)
    expect(begin.json().error.code).toBe('insufficient_user_authentication')
    expect(await allRows(t.services, 'totp_factors')).toHaveLength(1)
  })

  it('regenerates recovery codes, voiding the old ones', async () => {
    const { recoveryCodes } = await enrol(alice)
    const fresh = await t.app.inject({ method: 'POST', url: '/api/me/second-factors/recovery-codes', headers: auth(alice) })
    expect(fresh.statusCode).toBe(200)
    const [old = ''] = recoveryCodes
    expect((await secondStep({ challenge: await passwordStep(), recoveryCode: old })).statusCode).toBe(401)
    const [next = ''] = (fresh.json() as { recoveryCodes: string[] }).recoveryCodes
    expect((await secondStep({ challenge: await passwordStep(), recoveryCode: next })).statusCode).toBe(200)
  })

  it('writes nothing for a session revoked before the write (the acting-session check)', async () => {
    await t.app.inject({ method: 'POST', url: '/api/auth/logout', headers: { cookie: alice.cookie } })
    const begin = await t.app.inject({ method: 'POST', url: '/api/me/second-factors/totp', headers: auth(alice) })
    expect(begin.statusCode).toBe(401)
    expect(await allRows(t.services, 'totp_factors')).toEqual([])
  })
})
