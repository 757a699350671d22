import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createTestApp, type TestApp } from '../test-support/test-app.js'

let t: TestApp
let here: string
let there: string
beforeEach(async () => {
  t = await createTestApp()
  await t.addUser('alice', 'correct horse battery')
  here = (await t.login('alice', 'correct horse battery')).token
  there = (await t.login('alice', 'correct horse battery')).token
})
afterEach(async () => t.close())

const change = (currentPassword: string, newPassword: string) =>
  t.app.inject({ method: 'POST', url: '/api/me/password', headers: { token: here }, payload: { currentPassword, newPassword } })

describe('POST /api/me/password', () => {
  it('needs a recent proof (step-up) besides the current password', async () => {
    t.clock.advance(5 * 60_000 + 1000)
    const stale = await change('correct horse battery', 'a brand new passphrase')
    expect(stale.statusCode).toBe(401)
    expect(stale.json().error.code).toBe('insufficient_user_authentication')
    const stepUp = await t.app.inject({ method: 'POST', url: '/api/auth/step-up', headers: { token: here }, payload: { password: 'correct horse battery' } })
    here = (stepUp.json() as { token: string }).token
    expect((await change('correct horse battery', 'a brand new passphrase')).statusCode).toBe(200)
  })

  it('changes the password and ends my other sessions, saying how many', async () => {
    const response = await change('correct horse battery', 'a brand new passphrase')
    expect(response.statusCode).toBe(200)
    expect(response.json()).toEqual({ endedSessions: 1 })
    expect((await t.app.inject({ url: '/api/me', headers: { token: there } })).json().error.code).toBe('revoked_token')
    expect((await t.app.inject({ url: '/api/me', headers: { token: here } })).statusCode).toBe(200)
    await expect(t.login('alice', 'correct horse battery')).rejects.toThrow(/401/)
    await t.login('alice', 'a brand new passphrase')
    const kinds = (await t.services.auditStore.page({ limit: 50 })).events.map((e) => e.kind)
    expect(kinds).toContain('password_changed')
  })

  it('needs the current password: 403, not 401, and nothing changes', async () => {
    const response = await change('wrong password!', 'a brand new passphrase')
    expect(response.statusCode).toBe(403)
    expect(response.json().error.code).toBe('invalid_credentials')
    expect((await t.app.inject({ url: '/api/me', headers: { token: there } })).statusCode).toBe(200)
  })

  it('applies the password rules', async () => {
    expect((await change('correct horse battery', 'short')).statusCode).toBe(400)
    const same = await change('correct horse battery', 'ALICE')
    expect(same.statusCode).toBe(400)
  })
})

describe('guessing the current password', () => {
  it('is throttled like sign-in: after 5 wrong tries the next gets 429 with Retry-After', async () => {
    for (let i = 0; i < 5; i++) expect((await change(`wrong guess ${i}!`, 'a brand new passphrase')).statusCode).toBe(403)
    const throttled = await change('correct horse battery', 'a brand new passphrase')
    expect(throttled.statusCode).toBe(429)
    expect(throttled.json().error.code).toBe('rate_limited')
    expect(Number(throttled.headers['retry-after'])).toBeGreaterThan(0)
  })
})
