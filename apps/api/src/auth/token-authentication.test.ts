import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createAppWithAlice, type LoginResult, type TestApp } from '../test-support/test-app.js'

/** Access tokens say when and how the person last proved who they are (RFC 9470 `auth_time`, RFC 8176 `amr`). */
let t: TestApp
let alice: LoginResult
let signedInAt: number
beforeEach(async () => {
  ;({ t, alice } = await createAppWithAlice())
  signedInAt = Math.floor(t.clock() / 1000)
})
afterEach(async () => t.close())

/** The claims of a token, read without verifying (the server verified it). */
function decodeJwt(token: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8')) as Record<string, unknown>
}

const refresh = (cookie: string) => t.app.inject({ method: 'POST', url: '/api/auth/refresh', headers: { cookie, 'x-tokenauth-refresh': '1' } })

describe('auth_time and amr', () => {
  it('a password sign-in: auth_time is the sign-in, amr is pwd', () => {
    expect(decodeJwt(alice.token)).toMatchObject({ auth_time: signedInAt, amr: ['pwd'] })
  })

  it('renewal through the cookie keeps both, never fresher, however late it comes', async () => {
    t.clock.advance(14 * 60_000)
    const first = await refresh(alice.cookie)
    expect(first.statusCode).toBe(200)
    const renewed = first.json() as { token: string }
    expect(decodeJwt(renewed.token)).toMatchObject({ auth_time: signedInAt, amr: ['pwd'] })
    expect(decodeJwt(renewed.token).iat).toBeGreaterThan(signedInAt)
    t.clock.advance(14 * 60_000)
    const cookie = first.cookies.find((c) => c.name === 'tokenauth.sid')
    const second = await refresh(`${cookie?.name}=${cookie?.value}`)
    expect(decodeJwt((second.json() as { token: string }).token)).toMatchObject({ auth_time: signedInAt, amr: ['pwd'] })
  })
})
