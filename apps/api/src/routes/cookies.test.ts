import { Signer } from '@fastify/cookie'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createAppWithAlice, type TestApp } from '../test-support/test-app.js'

let t: TestApp
let token: string
beforeEach(async () => {
  ({ t, alice: { token } } = await createAppWithAlice())
})
afterEach(async () => t.close())

describe('/api/cookies — the seed’s set_cookie made useful', () => {
  it('sets a scoped HttpOnly cookie and reads it back', async () => {
    const set = await t.app.inject({ method: 'PUT', url: '/api/cookies/flavour', headers: { token }, payload: { value: 'oatmeal' } })
    expect(set.statusCode).toBe(200)
    const cookie = set.cookies.find((c) => c.name === 'flavour')
    expect(cookie).toMatchObject({ value: 'oatmeal', path: '/api/cookies', httpOnly: true, sameSite: 'Lax' })
    const read = await t.app.inject({ url: '/api/cookies/flavour', headers: { token, cookie: 'flavour=oatmeal' } })
    expect(read.json()).toEqual({ name: 'flavour', value: 'oatmeal', signed: false, valid: true })
  })

  it('signs on request, and a tampered signed cookie reads as invalid', async () => {
    const set = await t.app.inject({
      method: 'PUT',
      url: '/api/cookies/pass',
      headers: { token },
      payload: { value: '123456', signed: true, maxAgeSeconds: 60 },
    })
    const cookie = set.cookies.find((c) => c.name === 'pass')
    expect(cookie?.value).toMatch(/^s:123456\./)
    expect(cookie?.maxAge).toBe(60)
    const good = await t.app.inject({ url: '/api/cookies/pass', headers: { token, cookie: `pass=${encodeURIComponent(cookie?.value ?? '')}` } })
    expect(good.json()).toEqual({ name: 'pass', value: '123456', signed: true, valid: true })
    const tampered = (cookie?.value ?? '').replace('123456', '654321')
    const bad = await t.app.inject({ url: '/api/cookies/pass', headers: { token, cookie: `pass=${encodeURIComponent(tampered)}` } })
    expect(bad.json()).toEqual({ name: 'pass', value: '', signed: true, valid: false })
  })

  it('signs with a key of its own: the signature of a chosen session id is no session cookie', async () => {
    const chosenId = 'attacker-chosen-session-id'
    const set = await t.app.inject({ method: 'PUT', url: '/api/cookies/pick', headers: { token }, payload: { value: chosenId, signed: true } })
    const demoSigned = (set.cookies.find((c) => c.name === 'pick')?.value ?? '').slice('s:'.length)
    expect(demoSigned.startsWith(`${chosenId}.`)).toBe(true)
    // The session cookie is verified by @fastify/cookie with the session secrets: it must refuse this one.
    const sessionCookieSigner = new Signer([...t.app.services.secrets.sessionSecrets])
    expect(demoSigned).not.toBe(sessionCookieSigner.sign(chosenId))
    expect(sessionCookieSigner.unsign(demoSigned).valid).toBe(false)
  })

  it('lists cookies but never the session cookie', async () => {
    const list = await t.app.inject({ url: '/api/cookies', headers: { token, cookie: 'a=1; tokenauth.sid=secret; b=2' } })
    expect(list.json().cookies.map((c: { name: string }) => c.name)).toEqual(['a', 'b'])
  })

  it('refuses to set or delete the session cookie or a prefixed name', async () => {
    for (const name of ['tokenauth.sid', '__Host-x', '__Secure-x']) {
      const response = await t.app.inject({ method: 'PUT', url: `/api/cookies/${name}`, headers: { token }, payload: { value: 'x' } })
      expect(response.statusCode).toBe(400)
    }
  })

  it('deletes a cookie', async () => {
    const response = await t.app.inject({ method: 'DELETE', url: '/api/cookies/flavour', headers: { token } })
    expect(response.statusCode).toBe(204)
    const cleared = response.cookies.find((c) => c.name === 'flavour')
    expect(cleared?.value).toBe('')
    expect(cleared?.path).toBe('/api/cookies')
  })

  it('needs a token', async () => {
    expect((await t.app.inject({ url: '/api/cookies' })).statusCode).toBe(401)
  })
})

describe('odd unicode in a cookie value', () => {
  it('refuses a lone surrogate with 400 (it cannot be encoded), and keeps a real emoji', async () => {
    for (const signed of [false, true]) {
      const bad = await t.app.inject({
        method: 'PUT',
        url: '/api/cookies/x',
        headers: { token, 'content-type': 'application/json' },
        payload: `{"value":"\\ud800","signed":${signed}}`,
      })
      expect(bad.statusCode).toBe(400)
      expect(bad.json().error.code).toBe('bad_request')
    }
    const good = await t.app.inject({ method: 'PUT', url: '/api/cookies/x', headers: { token }, payload: { value: 'ok 🎉' } })
    expect(good.statusCode).toBe(200)
  })
})
