import { Writable } from 'node:stream'
import { afterEach, describe, expect, it } from 'vitest'
import { createTestApp, type TestApp } from '../test-support/test-app.js'
import { redactUrl } from './log-serializers.js'

describe('redactUrl', () => {
  it('replaces the values of credential-like query parameters', () => {
    expect(redactUrl('/api/me?access_token=abc.def&page=2&Password=hunter2&api%5Fkey=k')).toBe(
      '/api/me?access_token=[redacted]&page=2&Password=[redacted]&api%5Fkey=[redacted]',
    )
    expect(redactUrl('/api/notes?token=x&sid=y&code=z')).toBe('/api/notes?token=[redacted]&sid=[redacted]&code=[redacted]')
  })

  it('leaves other URLs alone', () => {
    expect(redactUrl('/api/audit?kind=login_failed&before=10')).toBe('/api/audit?kind=login_failed&before=10')
    expect(redactUrl('/api/me')).toBe('/api/me')
  })
})

let t: TestApp | undefined
afterEach(async () => t?.close())

describe('the request log', () => {
  it('never contains a token sent in the query string', async () => {
    const lines: string[] = []
    const logStream = new Writable({
      write(chunk: Buffer, _encoding, callback) {
        lines.push(chunk.toString())
        callback()
      },
    })
    t = await createTestApp({ LOG_LEVEL: 'info' }, undefined, { logStream })
    const secret = 'eyJhbGciOiJIUzI1NiJ9.secret-token-value'
    await t.app.inject({ url: `/api/me?access_token=${secret}&token=${secret}` })
    const logged = lines.join('')
    expect(logged).toContain('/api/me?access_token=[redacted]')
    expect(logged).not.toContain(secret)
  })

  it('never contains it on refusals and errors either: 404, 401, 400, 415, a route that fails validation', async () => {
    const lines: string[] = []
    const logStream = new Writable({
      write(chunk: Buffer, _encoding, callback) {
        lines.push(chunk.toString())
        callback()
      },
    })
    t = await createTestApp({ LOG_LEVEL: 'debug' }, undefined, { logStream })
    const secret = 'eyJhbGciOiJIUzI1NiJ9.another-secret-value'
    const query = `?token=${secret}&password=${secret}`
    const requests = [
      { url: `/api/no-such-route${query}` },
      { url: `/api/me${query}`, headers: { token: 'garbage' } },
      { url: `/api/notes/%ff${query}` },
      { method: 'POST' as const, url: `/api/auth/login${query}`, headers: { 'content-type': 'text/plain' }, payload: 'x' },
      { method: 'POST' as const, url: `/api/auth/login${query}`, payload: { username: 1 } },
      { method: 'POST' as const, url: `/api/auth/refresh${query}`, headers: { 'sec-fetch-site': 'cross-site' } },
    ]
    for (const request of requests) expect((await t.app.inject(request)).statusCode).toBeGreaterThanOrEqual(400)
    const logged = lines.join('')
    expect(logged).toContain('token=[redacted]')
    expect(logged).not.toContain(secret)
  })
})
