import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestApp, type LoginResult, type TestApp } from '../test-support/test-app.js'
import { collectRoutes, type CollectedRoute } from '../test-support/route-collector.js'
import { rawExchange } from '../test-support/raw-http.js'

/**
 * Review item 6 on every route that reads a token, the ones added later included: Node
 * keeps only the first of two `Authorization` headers, so `Bearer <alice>` then
 * `Bearer <bob>` would be answered as alice. Sent over a real socket (`inject` cannot
 * repeat a header).
 */
const PASSWORD = 'correct horse battery'
/** Public routes that read a token all the same (through `request.checkToken()`). */
const PUBLIC_ROUTES_READING_A_TOKEN = new Set(['POST /api/auth/logout'])

let t: TestApp
let port: number
let routes: CollectedRoute[]
let alice: LoginResult
let bob: LoginResult
beforeAll(async () => {
  ;({ result: t, routes } = await collectRoutes(() => createTestApp({ RATE_LIMIT_MAX: '1000000' })))
  routes = routes.filter((route) => route.auth !== undefined && (route.auth !== 'public' || PUBLIC_ROUTES_READING_A_TOKEN.has(`${route.method} ${route.url}`)))
  await t.addUser('alice', PASSWORD, ['admin'])
  await t.addUser('bob', PASSWORD, ['admin'])
  alice = await t.login('alice', PASSWORD)
  bob = await t.login('bob', PASSWORD)
  await t.app.listen({ host: '127.0.0.1', port: 0 })
  port = (t.app.server.address() as AddressInfo).port
})
afterAll(async () => t.close())

describe('more than one Authorization or token header is 400, on every route that reads a token', () => {
  const pairs = () => ({
    'two Authorization headers': [`Authorization: Bearer ${alice.token}`, `Authorization: Bearer ${bob.token}`],
    'token plus two Authorization headers': [`token: ${alice.token}`, `Authorization: Bearer ${alice.token}`, `authorization: Bearer ${bob.token}`],
    'two token headers': [`token: ${alice.token}`, `Token: ${alice.token}`],
  })

  it('covers the routes added since the review too', () => {
    const names = routes.map((route) => `${route.method} ${route.url}`)
    for (const name of ['POST /api/users', 'PUT /api/users/:id/roles', 'DELETE /api/sessions/:id', 'PUT /api/cookies/:name', 'POST /api/me/password', 'POST /api/auth/logout', 'GET /api/audit']) {
      expect(names).toContain(name)
    }
  })

  it('answers each with 400 bad_request, never as the first token', async () => {
    const answered: string[] = []
    for (const route of routes) {
      const url = route.url.replace(/:([A-Za-z]+)/g, '1')
      for (const [what, lines] of Object.entries(pairs())) {
        const head = [`${route.method} ${url} HTTP/1.1`, 'Host: localhost', 'Connection: close', 'Content-Length: 0', `Cookie: ${alice.cookie}`, ...lines]
        const answer = await rawExchange(port, `${head.join('\r\n')}\r\n\r\n`)
        const code = answer.status === 400 && route.method !== 'HEAD' ? (JSON.parse(answer.body) as { error: { code: string } }).error.code : ''
        if (answer.status !== 400 || (route.method !== 'HEAD' && code !== 'bad_request')) answered.push(`${route.method} ${url} (${what}) → ${answer.status}`)
      }
    }
    expect(answered).toEqual([])
    // The token still works when sent once: the refusals above were for the repetition.
    expect((await t.app.inject({ url: '/api/me', headers: { authorization: `Bearer ${alice.token}` } })).statusCode).toBe(200)
  }, 60_000)
})
