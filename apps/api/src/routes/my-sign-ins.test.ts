import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createTestApp, type TestApp } from '../test-support/test-app.js'
import { MY_SIGN_INS_SHOWN } from './my-sign-ins.js'

let t: TestApp
beforeEach(async () => {
  t = await createTestApp()
  await t.addUser('alice', 'alice password 1')
  await t.addUser('bob', 'bob password 1')
})
afterEach(async () => t.close())

const FIREFOX = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:128.0) Gecko/20100101 Firefox/128.0'
const signIns = (token: string) => t.app.inject({ url: '/api/me/sign-ins', headers: { token } })
const tryPassword = (username: string, password: string) =>
  t.app.inject({ method: 'POST', url: '/api/auth/login', headers: { 'user-agent': FIREFOX }, payload: { username, password } })

describe('GET /api/me/sign-ins', () => {
  it("lists my own sign-ins and refused tries, newest first, read as Devices reads a client; nobody else's, no renewals", async () => {
    await tryPassword('alice', 'not the password')
    await tryPassword('bob', 'bob password 1')
    const alice = await t.login('alice', 'alice password 1')
    await t.app.inject({ method: 'POST', url: '/api/auth/refresh', headers: { cookie: alice.cookie, 'x-tokenauth-refresh': '1' } })

    const response = await signIns(alice.token)
    expect(response.statusCode).toBe(200)
    const list = response.json().signIns
    expect(list.map((s: { succeeded: boolean }) => s.succeeded)).toEqual([true, false])
    expect(list[1]).toEqual({ at: new Date(t.clock()).toISOString(), succeeded: false, ip: '127.0.0.1', client: { device: 'desktop', browser: 'Firefox', browserVersion: '128', os: 'Windows' } })
  })

  it(`shows the newest ${MY_SIGN_INS_SHOWN} only`, async () => {
    await tryPassword('alice', 'the oldest try')
    for (let i = 0; i < MY_SIGN_INS_SHOWN; i++) await tryPassword('alice', 'alice password 1')
    const alice = await t.login('alice', 'alice password 1')
    const list = (await signIns(alice.token)).json().signIns
    expect(list).toHaveLength(MY_SIGN_INS_SHOWN)
    // The refused try is the sixth newest of seven: left out.
    expect(list.every((s: { succeeded: boolean }) => s.succeeded)).toBe(true)
  })

  it('needs a token', async () => {
    expect((await t.app.inject({ url: '/api/me/sign-ins' })).statusCode).toBe(401)
  })
})
