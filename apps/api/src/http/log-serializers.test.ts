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
})
