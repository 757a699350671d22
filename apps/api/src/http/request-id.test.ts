import type { AddressInfo } from 'node:net'
import { Writable } from 'node:stream'
import { afterEach, describe, expect, it } from 'vitest'
import { createAppWithAlice, createTestApp, type TestApp } from '../test-support/test-app.js'
import { rawExchange } from '../test-support/raw-http.js'

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/

let t: TestApp | undefined
afterEach(async () => {
  await t?.close()
  t = undefined
})

describe('x-request-id', () => {
  it('is on every answer, a fresh UUID each time: success, refusal, 404, validation error, bad URL', async () => {
    t = await createTestApp()
    const answers = await Promise.all([
      t.app.inject({ url: '/api/health' }),
      t.app.inject({ url: '/api/me' }),
      t.app.inject({ url: '/api/no-such-route' }),
      t.app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: 1 } }),
      t.app.inject({ url: '/api/%ff' }),
    ])
    expect(answers.map((a) => a.statusCode)).toEqual([200, 401, 404, 400, 400])
    const ids = answers.map((a) => a.headers['x-request-id'])
    for (const id of ids) expect(id).toMatch(UUID)
    expect(new Set(ids).size).toBe(ids.length)
  })

  it('is on the answers Node refuses before any request exists (headers too large)', async () => {
    t = await createTestApp()
    await t.app.listen({ host: '127.0.0.1', port: 0 })
    const { port } = t.app.server.address() as AddressInfo
    const answer = await rawExchange(port, `GET /api/health HTTP/1.1\r\nHost: localhost\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`)
    expect(answer.status).toBe(431)
    expect(answer.headers['x-request-id']).toMatch(UUID)
  })

  it('ignores a client’s own x-request-id when no proxy is trusted', async () => {
    t = await createTestApp()
    const answer = await t.app.inject({ url: '/api/health', headers: { 'x-request-id': 'chosen-by-the-client' } })
    expect(answer.headers['x-request-id']).toMatch(UUID)
  })

  it('ignores it from an address that is not a trusted proxy', async () => {
    t = await createTestApp({ TRUST_PROXY: '10.0.0.0/8' })
    const answer = await t.app.inject({ url: '/api/health', remoteAddress: '192.0.2.7', headers: { 'x-request-id': 'chosen-by-the-client' } })
    expect(answer.headers['x-request-id']).toMatch(UUID)
  })

  it('takes a trusted proxy’s id (by address, or by hop count), so both logs share it', async () => {
    t = await createTestApp({ TRUST_PROXY: '10.0.0.0/8,127.0.0.1' })
    const nginxId = '5f0c6e2b9a8d4e1f8c3b2a1d0e9f8a7b'
    const byAddress = await t.app.inject({ url: '/api/me', remoteAddress: '10.1.2.3', headers: { 'x-request-id': nginxId } })
    expect(byAddress.statusCode).toBe(401)
    expect(byAddress.headers['x-request-id']).toBe(nginxId)
    const mapped = await t.app.inject({ url: '/api/health', remoteAddress: '::ffff:127.0.0.1', headers: { 'x-request-id': 'req:42' } })
    expect(mapped.headers['x-request-id']).toBe('req:42')
    await t.close()
    t = await createTestApp({ TRUST_PROXY: '1' })
    const byHops = await t.app.inject({ url: '/api/health', remoteAddress: '203.0.113.9', headers: { 'x-request-id': 'edge-7.abc' } })
    expect(byHops.headers['x-request-id']).toBe('edge-7.abc')
  })

  it('replaces a trusted proxy’s id that does not look like one (too long, spaces, quotes, control characters)', async () => {
    t = await createTestApp({ TRUST_PROXY: '127.0.0.1' })
    for (const bad of ['a'.repeat(129), 'two words', 'quote"d', 'new\tline', '']) {
      const answer = await t.app.inject({ url: '/api/health', headers: { 'x-request-id': bad } })
      expect(answer.headers['x-request-id'], JSON.stringify(bad)).toMatch(UUID)
    }
    const kept = await t.app.inject({ url: '/api/health', headers: { 'x-request-id': 'a'.repeat(128) } })
    expect(kept.headers['x-request-id']).toBe('a'.repeat(128))
  })

  it('is the reqId of every log line of its request', async () => {
    const lines: Array<Record<string, unknown>> = []
    const logStream = new Writable({
      write(chunk: Buffer, _encoding, callback) {
        for (const line of chunk.toString('utf8').split('\n').filter(Boolean)) lines.push(JSON.parse(line) as Record<string, unknown>)
        callback()
      },
    })
    t = await createTestApp({ LOG_LEVEL: 'info' }, undefined, { logStream })
    await t.addUser('alice', 'correct horse battery')
    const answer = await t.app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: 'alice', password: 'wrong password here' } })
    expect(answer.statusCode).toBe(401)
    const id = answer.headers['x-request-id']
    const own = lines.filter((line) => line.reqId === id)
    // Fastify's "incoming request" and "request completed", and the route's own "login failed".
    expect(own.map((line) => line.msg)).toEqual(expect.arrayContaining(['incoming request', 'login failed', 'request completed']))
    expect(lines.filter((line) => line.msg === 'login failed').every((line) => line.reqId === id)).toBe(true)
  })

  it('survives a signed-in request unchanged: the id is the same on the answer and in the route', async () => {
    const fixture = await createAppWithAlice()
    t = fixture.t
    const answer = await t.app.inject({ url: '/api/me', headers: { token: fixture.alice.token } })
    expect(answer.statusCode).toBe(200)
    expect(answer.headers['x-request-id']).toMatch(UUID)
  })
})
