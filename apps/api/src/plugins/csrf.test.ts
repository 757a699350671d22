import type { InjectOptions } from 'fastify'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestApp, type TestApp } from '../test-support/test-app.js'

const LISTED = 'https://app.example.com'
// `app.inject` sends `Host: localhost:80` over http.
const OWN_ORIGIN = 'http://localhost:80'

let t: TestApp
let alice: Awaited<ReturnType<TestApp['login']>>
beforeAll(async () => {
  t = await createTestApp({ CORS_ORIGINS: LISTED })
  await t.addUser('alice', 'correct horse battery')
  alice = await t.login('alice', 'correct horse battery')
})
afterAll(async () => t.close())

const login = (headers: Record<string, string>) =>
  t.app.inject({ method: 'POST', url: '/api/auth/login', headers, payload: { username: 'alice', password: 'correct horse battery' } })

describe('CSRF guard on the cookie routes', () => {
  it.each([
    ['Sec-Fetch-Site: cross-site', { 'sec-fetch-site': 'cross-site', origin: 'https://evil.example' }],
    ['Sec-Fetch-Site: cross-site without Origin', { 'sec-fetch-site': 'cross-site' }],
    ['a foreign Origin (older browser, no Sec-Fetch-Site)', { origin: 'https://evil.example' }],
    ['Origin: null (sandboxed frame, data: URL)', { origin: 'null' }],
    ['our host over another scheme', { origin: 'https://localhost:80' }],
    ['Sec-Fetch-Site: same-site from a sibling subdomain', { 'sec-fetch-site': 'same-site', origin: 'https://evil.example.com' }],
    ['Sec-Fetch-Site: same-site without Origin', { 'sec-fetch-site': 'same-site' }],
    ['an unknown Sec-Fetch-Site value', { 'sec-fetch-site': 'weird', origin: OWN_ORIGIN }],
  ])('refuses a login sent with %s: 403 csrf_rejected, no cookie', async (_label, headers) => {
    const response = await login(headers)
    expect(response.statusCode).toBe(403)
    expect(response.json()).toEqual({ error: { code: 'csrf_rejected', message: expect.stringContaining('another site') } })
    expect(response.cookies).toEqual([])
  })

  it.each([
    ['Sec-Fetch-Site: same-origin', { 'sec-fetch-site': 'same-origin', origin: OWN_ORIGIN }],
    ['Sec-Fetch-Site: same-site from our own origin', { 'sec-fetch-site': 'same-site', origin: OWN_ORIGIN }],
    ['Sec-Fetch-Site: same-site from a CORS-listed origin', { 'sec-fetch-site': 'same-site', origin: LISTED }],
    ['Sec-Fetch-Site: none (typed by the user)', { 'sec-fetch-site': 'none' }],
    ['our own Origin (no Sec-Fetch-Site)', { origin: OWN_ORIGIN }],
    ['a CORS-listed origin, cross-site', { 'sec-fetch-site': 'cross-site', origin: LISTED }],
    ['neither header (curl, the CLI, tests)', {}],
  ])('lets a login through with %s', async (_label, headers) => {
    expect((await login(headers)).statusCode).toBe(200)
  })

  it('guards refresh, logout and setup too, and GETs not at all', async () => {
    const crossSite = { 'sec-fetch-site': 'cross-site' }
    const requests: InjectOptions[] = [
      { method: 'POST', url: '/api/auth/refresh', headers: { ...crossSite, cookie: alice.cookie, 'x-tokenauth-refresh': '1' } },
      { method: 'POST', url: '/api/auth/logout', headers: { ...crossSite, token: alice.token, cookie: alice.cookie } },
      { method: 'POST', url: '/api/setup', headers: crossSite, payload: { setupToken: 'a.b.c', username: 'root', password: 'correct horse battery' } },
    ]
    for (const request of requests) {
      const response = await t.app.inject(request)
      expect(response.statusCode, String(request.url)).toBe(403)
      expect(response.json().error.code).toBe('csrf_rejected')
    }
    expect((await t.app.inject({ url: '/api/setup', headers: crossSite })).statusCode).toBe(200)
    // The session survived all of it.
    expect((await t.app.inject({ url: '/api/me', headers: { token: alice.token } })).statusCode).toBe(200)
  })

  it('leaves token routes alone: a token in a header is not ambient, so a cross-site page cannot send it', async () => {
    const response = await t.app.inject({
      method: 'POST',
      url: '/api/notes',
      headers: { 'sec-fetch-site': 'cross-site', origin: LISTED, token: alice.token },
      payload: { text: 'from the listed app' },
    })
    expect(response.statusCode).toBe(201)
  })
})
