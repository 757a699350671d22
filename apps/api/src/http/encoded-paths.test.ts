import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { ALICE_PASSWORD, createAppWithAlice, createTestApp, type LoginResult, type TestApp } from '../test-support/test-app.js'
import { collectRoutes } from '../test-support/route-collector.js'

/**
 * The session cookie's path (`/api` in development) is compared with the raw URL by
 * @fastify/session, while the router decodes it: a path spelled with percent-encoded
 * letters must behave like the plain one, never answer 5xx.
 */
let t: TestApp
let alice: LoginResult
beforeEach(async () => {
  ;({ t, alice } = await createAppWithAlice())
})
afterEach(async () => t.close())

describe('percent-encoded paths on the cookie routes', () => {
  it('POST /%61pi/auth/login signs in like /api/auth/login: a session row and an audit event', async () => {
    const before = (await t.services.sessions.listByUser(alice.user.id)).length
    const response = await t.app.inject({ method: 'POST', url: '/%61pi/auth/login', payload: { username: 'alice', password: ALICE_PASSWORD } })
    expect(response.statusCode).toBe(200)
    expect(response.cookies.some((c) => c.name === 'tokenauth.sid')).toBe(true)
    expect((await t.services.sessions.listByUser(alice.user.id)).length).toBe(before + 1)
    expect((await t.services.auditStore.page({ kind: 'login_succeeded', limit: 10 })).events.length).toBe(2)
  })

  it('POST /%61pi/auth/logout ends the session like /api/auth/logout: the token stops working', async () => {
    const response = await t.app.inject({ method: 'POST', url: '/%61pi/auth/logout', headers: { token: alice.token, cookie: alice.cookie } })
    expect(response.statusCode).toBe(204)
    const after = await t.app.inject({ url: '/api/me', headers: { token: alice.token } })
    expect(after.statusCode).toBe(401)
  })

  it('other encodings of the cookie routes never answer 5xx', async () => {
    for (const url of ['/%61%70%69/auth/login', '/api/%61uth/login', '/api/auth/%6Cogin', '/%2561pi/auth/login', '/api%2fauth/login']) {
      const response = await t.app.inject({ method: 'POST', url, payload: { username: 'alice', password: ALICE_PASSWORD } })
      expect([url, response.statusCode < 500]).toEqual([url, true])
      expect(response.json()).toEqual(response.statusCode === 200 ? expect.objectContaining({ token: expect.any(String) }) : { error: expect.any(Object) })
    }
  })
})

describe('percent-encoded paths on every route the app declares', () => {
  it('answer like the plain path: the same status, never 5xx', async () => {
    const { result: u, routes } = await collectRoutes(() => createTestApp({ RATE_LIMIT_MAX: '1000000' }))
    try {
      const differ: string[] = []
      for (const route of routes.filter((r) => r.url.startsWith('/api/') && r.method !== 'HEAD')) {
        const url = route.url.replace(/:([A-Za-z]+)/g, '1').replace(/\*$/, 'x')
        // `a` of /api and the first letter of the next segment, encoded.
        const encoded = url.replace(/^\/api\/(.)/, (_m, first: string) => `/%61pi/%${first.charCodeAt(0).toString(16)}`)
        const send = (path: string) => u.app.inject({ method: route.method as 'POST', url: path, ...(route.method === 'GET' ? {} : { payload: {} }) })
        const [plain, spelled] = [await send(url), await send(encoded)]
        if (spelled.statusCode >= 500 || spelled.statusCode !== plain.statusCode) differ.push(`${route.method} ${encoded} → ${spelled.statusCode}, plain ${plain.statusCode}`)
      }
      expect(differ).toEqual([])
    } finally {
      await u.close()
    }
  })
})
