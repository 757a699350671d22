import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createAppWithAlice, type LoginResult, type TestApp } from '../../test-support/test-app.js'
import { RENEWAL_GRACE_MS } from '../../auth/renewal.js'

let t: TestApp
let alice: LoginResult
beforeEach(async () => {
  ({ t, alice } = await createAppWithAlice())
})
afterEach(async () => t.close())

const refresh = (cookie: string) =>
  t.app.inject({ method: 'POST', url: '/api/auth/refresh', headers: { cookie, 'x-tokenauth-refresh': '1' } })
const newCookie = (response: Awaited<ReturnType<typeof refresh>>): string | undefined => {
  const c = response.cookies.find((x) => x.name === 'tokenauth.sid')
  return c && `${c.name}=${c.value}`
}
const auditKinds = async () => (await t.services.auditStore.page({ limit: 100 })).events.map((e) => e.kind)

describe('renewal rotates the session cookie and detects a replay', () => {
  it('each renewal sets a new cookie id; the session (and its handle) stays', async () => {
    // A second later, so the renewed token differs from the login's (HS256 is deterministic).
    t.clock.advance(1000)
    const first = await refresh(alice.cookie)
    expect(first.statusCode).toBe(200)
    const rotated = newCookie(first)
    expect(rotated).toBeDefined()
    expect(rotated).not.toBe(alice.cookie)
    const cookie = first.cookies.find((c) => c.name === 'tokenauth.sid')
    expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Lax', path: '/api' })
    const second = await refresh(rotated ?? '')
    expect(second.statusCode).toBe(200)
    const rotatedAgain = newCookie(second)
    expect(rotatedAgain).toBeDefined()
    expect(rotatedAgain).not.toBe(rotated)
    // Tokens from before and after belong to the same session.
    expect(first.json().token).not.toBe(alice.token)
    for (const token of [alice.token, first.json().token]) {
      expect((await t.app.inject({ url: '/api/me', headers: { token } })).statusCode).toBe(200)
    }
    // The second renewal's event replaces the first's (see auth/audit-growth.test.ts).
    expect((await auditKinds()).filter((k) => k === 'token_renewed')).toHaveLength(1)
  })

  it('two tabs renewing at once: the retired cookie within the grace window gets a token and the current cookie', async () => {
    const first = await refresh(alice.cookie)
    t.clock.advance(RENEWAL_GRACE_MS - 1000)
    const racing = await refresh(alice.cookie)
    expect(racing.statusCode).toBe(200)
    // No second rotation: the late tab is handed the cookie the first renewal set.
    expect(newCookie(racing)).toBe(newCookie(first))
    expect((await refresh(newCookie(first) ?? '')).statusCode).toBe(200)
  })

  it('a client that lost a renewal response catches up within the grace window and is not taken for a thief', async () => {
    await refresh(alice.cookie) // the answer never arrived: the browser still has the old cookie
    t.clock.advance(5000)
    const retry = await refresh(alice.cookie)
    const caughtUp = newCookie(retry) ?? ''
    t.clock.advance(RENEWAL_GRACE_MS * 2)
    expect((await refresh(caughtUp)).statusCode).toBe(200)
    expect((await auditKinds())).not.toContain('renewal_replayed')
  })

  it('a retired cookie replayed after the grace window revokes the whole session and is recorded', async () => {
    const first = await refresh(alice.cookie)
    const fresh = newCookie(first) ?? ''
    t.clock.advance(RENEWAL_GRACE_MS + 1000)
    const replay = await refresh(alice.cookie)
    expect(replay.statusCode).toBe(401)
    expect(replay.json().error.code).toBe('revoked_token')
    // Everyone holding this session is out: the newest cookie and every token.
    expect((await refresh(fresh)).statusCode).toBe(401)
    expect((await t.app.inject({ url: '/api/me', headers: { token: first.json().token } })).json().error.code).toBe('revoked_token')
    expect((await auditKinds())).toContain('renewal_replayed')
  })

  it('a cookie with a bad signature is refused', async () => {
    const [name, value] = alice.cookie.split('=')
    const tampered = `${name}=${(value ?? '').slice(0, -2)}xx`
    expect((await refresh(tampered)).statusCode).toBe(401)
  })

  it('logout after a renewal ends the session that the new cookie names', async () => {
    const first = await refresh(alice.cookie)
    const logout = await t.app.inject({
      method: 'POST',
      url: '/api/auth/logout',
      headers: { token: first.json().token, cookie: newCookie(first) ?? '' },
    })
    expect(logout.statusCode).toBe(204)
    expect((await refresh(newCookie(first) ?? '')).statusCode).toBe(401)
  })
})
