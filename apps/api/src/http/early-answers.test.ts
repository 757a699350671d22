import type { AddressInfo } from 'node:net'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createTestApp, type TestApp } from '../test-support/test-app.js'
import { collectRoutes, type CollectedRoute } from '../test-support/route-collector.js'
import { rawExchange, type RawAnswer } from '../test-support/raw-http.js'

/**
 * Answers made before any hook runs: a malformed URL, headers too large, an unknown
 * method, a stalled body. Sent over a real socket, since Node's HTTP parser makes some.
 */
let t: TestApp
let port: number
let routes: CollectedRoute[]
beforeEach(async () => {
  ;({ result: t, routes } = await collectRoutes(() => createTestApp({ REQUEST_TIMEOUT: '1', CONNECTION_TIMEOUT: '5' })))
  await t.app.listen({ host: '127.0.0.1', port: 0 })
  port = (t.app.server.address() as AddressInfo).port
})
afterEach(async () => t.close())

const exchange = (text: string): Promise<RawAnswer> => rawExchange(port, text)

function expectSecurityHeadersAndShape(answer: RawAnswer, status: number, code: string): void {
  expect(answer.status).toBe(status)
  expect(answer.headers['content-security-policy']).toContain("default-src 'self'")
  expect(answer.headers['x-content-type-options']).toBe('nosniff')
  expect(answer.headers['x-frame-options']).toBe('DENY')
  expect(answer.headers['referrer-policy']).toBe('no-referrer')
  expect(answer.headers['cache-control']).toBe('no-store')
  expect(JSON.parse(answer.body)).toEqual({ error: { code, message: expect.any(String) } })
}

describe('answers made before the hooks run', () => {
  it('a malformed URL (/api/%ff): 400 with the security headers and the error shape', async () => {
    const answer = await exchange('GET /api/%ff HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n')
    expectSecurityHeadersAndShape(answer, 400, 'bad_request')
  })

  it('headers too large: 431 with the security headers and the error shape', async () => {
    const answer = await exchange(`GET /api/health HTTP/1.1\r\nHost: localhost\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`)
    expectSecurityHeadersAndShape(answer, 431, 'headers_too_large')
  })

  it('an unknown method: 4xx with the security headers and the error shape', async () => {
    const answer = await exchange('FOO /api/health HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n')
    expect(answer.status).toBeGreaterThanOrEqual(400)
    expect(answer.status).toBeLessThan(500)
    expectSecurityHeadersAndShape(answer, answer.status, answer.status === 405 ? 'method_not_allowed' : 'bad_request')
  })

  it('a method Node knows but no route has (PROPFIND): 4xx in the error shape, with the headers', async () => {
    const answer = await exchange('PROPFIND /api/health HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n')
    expect(answer.status).toBeGreaterThanOrEqual(400)
    expect(answer.status).toBeLessThan(500)
    expectSecurityHeadersAndShape(answer, answer.status, answer.status === 405 ? 'method_not_allowed' : 'not_found')
  })
})

describe('on every route the app declares, the newest included', () => {
  /** Each route's path with a malformed escape where a parameter goes, or as an extra segment. */
  const malformedPaths = () => [
    ...new Set(routes.map((route) => (route.url.includes(':') ? route.url.replace(/:[A-Za-z]+/g, '%ff') : `${route.url.replace(/\*$/, '')}/%ff`))),
  ]

  it('a malformed escape in its path: 400 with the security headers and the error shape', async () => {
    expect(routes.length).toBeGreaterThan(20)
    for (const url of malformedPaths()) {
      const answer = await exchange(`POST ${url} HTTP/1.1\r\nHost: localhost\r\nContent-Length: 0\r\nConnection: close\r\n\r\n`)
      expect([url, answer.status]).toEqual([url, 400])
      expectSecurityHeadersAndShape(answer, 400, 'bad_request')
    }
  })

  it('an unknown method and an unrouted one on its path: 4xx with the security headers and the error shape', async () => {
    for (const url of new Set(routes.map((route) => route.url.replace(/:[A-Za-z]+/g, '1').replace(/\*$/, 'x')))) {
      for (const method of ['FOO', 'PROPFIND']) {
        const answer = await exchange(`${method} ${url} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n`)
        expect([method, url, answer.status >= 400 && answer.status < 500]).toEqual([method, url, true])
        expectSecurityHeadersAndShape(answer, answer.status, answer.body.includes('method_not_allowed') ? 'method_not_allowed' : method === 'FOO' ? 'bad_request' : 'not_found')
      }
    }
  })
})

describe('timeouts (REQUEST_TIMEOUT=1s here)', () => {
  it('answers a stalled body 408 in the error shape and closes the connection', { timeout: 15_000 }, async () => {
    const answer = await exchange(
      'POST /api/auth/login HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{"user',
    )
    expectSecurityHeadersAndShape(answer, 408, 'request_timeout')
    expect(answer.elapsedMs).toBeLessThan(4000)
  })

  it('answers headers that never finish (slowloris) 408 and closes the connection', { timeout: 15_000 }, async () => {
    const answer = await exchange('GET /api/health HTTP/1.1\r\nHost: localhost\r\nX-Slow: 1\r\n')
    expectSecurityHeadersAndShape(answer, 408, 'request_timeout')
    expect(answer.elapsedMs).toBeLessThan(4000)
  })

  it('applies the configured timeouts and keep-alive limits to the server', () => {
    const server = t.app.server
    expect(server.requestTimeout).toBe(1000)
    expect(server.timeout).toBe(5000)
    expect(server.keepAliveTimeout).toBe(t.services.config.keepAliveTimeoutSeconds * 1000)
    // The per-connection limit is the app's own (plugins/connection-rules.ts): Node's would answer a bare 503.
    expect(server.maxRequestsPerSocket ?? 0).toBe(0)
  })
})

describe('the early answers match what helmet sends', () => {
  it('every baseline header has the value a routed answer carries', async () => {
    const { baselineSecurityHeaders } = await import('./baseline-headers.js')
    const routed = await t.app.inject({ url: '/api/me' })
    for (const [name, value] of Object.entries(baselineSecurityHeaders(false))) {
      expect([name, routed.headers[name]]).toEqual([name, value])
    }
  })
})
