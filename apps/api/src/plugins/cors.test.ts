import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestApp, type TestApp } from '../test-support/test-app.js'

const LISTED = 'https://app.example.com'
const preflight = (origin: string, url = '/api/notes', method = 'POST') => ({
  method: 'OPTIONS' as const,
  url,
  headers: { origin, 'access-control-request-method': method, 'access-control-request-headers': 'content-type, token' },
})

let t: TestApp
beforeAll(async () => {
  t = await createTestApp({ CORS_ORIGINS: `${LISTED},http://localhost:5173` })
  await t.addUser('alice', 'correct horse battery')
})
afterAll(async () => t.close())

describe('CORS with CORS_ORIGINS set', () => {
  it('grants a preflight from a listed origin: 204, that origin, credentials, exactly the app headers', async () => {
    const response = await t.app.inject(preflight(LISTED))
    expect(response.statusCode).toBe(204)
    expect(response.headers['access-control-allow-origin']).toBe(LISTED)
    expect(response.headers['access-control-allow-credentials']).toBe('true')
    expect(response.headers['access-control-allow-headers']).toBe('content-type, token, authorization, x-tokenauth-refresh')
    expect(response.headers['access-control-allow-methods']).toBe('GET, HEAD, POST, PUT, DELETE')
    expect(response.headers['access-control-max-age']).toBe('600')
    expect(response.headers.vary).toMatch(/Origin/)
  })

  it('answers a preflight from any other origin with no CORS headers at all (404)', async () => {
    for (const origin of ['https://evil.example', 'https://app.example.com.evil.example', 'http://app.example.com', 'null']) {
      const response = await t.app.inject(preflight(origin))
      expect(response.statusCode, origin).toBe(404)
      expect(response.json().error.code).toBe('not_found')
      expect(Object.keys(response.headers).filter((h) => h.startsWith('access-control-')), origin).toEqual([])
    }
  })

  it('puts the headers on refusals too, so the SPA can read a 401 and its challenge', async () => {
    const response = await t.app.inject({ url: '/api/me', headers: { origin: LISTED } })
    expect(response.statusCode).toBe(401)
    expect(response.headers['access-control-allow-origin']).toBe(LISTED)
    expect(response.headers['access-control-allow-credentials']).toBe('true')
    expect(response.headers['access-control-expose-headers']).toBe('retry-after, www-authenticate, x-request-id, x-session-idle-ends-in')
  })

  it('serves a listed origin the real request, with credentials', async () => {
    const { token } = await t.login('alice', 'correct horse battery')
    const response = await t.app.inject({ url: '/api/me', headers: { origin: 'http://localhost:5173', token } })
    expect(response.statusCode).toBe(200)
    expect(response.headers['access-control-allow-origin']).toBe('http://localhost:5173')
  })

  it('answers a plain OPTIONS (not a preflight) with 404 in the error shape, not a way around the token check', async () => {
    for (const headers of [{}, { origin: 'https://evil.example' }]) {
      const response = await t.app.inject({ method: 'OPTIONS', url: '/api/me', headers })
      expect(response.statusCode).toBe(404)
      expect(response.json().error.code).toBe('not_found')
    }
  })
})

describe('CORS without CORS_ORIGINS (the default: same origin only)', () => {
  it('grants no preflight and adds no CORS header anywhere', async () => {
    const plain = await createTestApp()
    try {
      const response = await plain.app.inject(preflight(LISTED))
      expect(response.statusCode).toBe(404)
      const actual = await plain.app.inject({ url: '/api/health', headers: { origin: LISTED } })
      for (const r of [response, actual]) {
        expect(Object.keys(r.headers).filter((h) => h.startsWith('access-control-'))).toEqual([])
      }
    } finally {
      await plain.close()
    }
  })
})
