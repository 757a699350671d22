import { connect } from 'node:net'
import type { AddressInfo } from 'node:net'
import Fastify, { type FastifyInstance } from 'fastify'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { tokenAuth, type TokenAuthPrincipal } from './index.js'

/**
 * A repeated header cannot be sent through `inject` (its headers are an object), so these
 * requests go over a real socket: Node keeps only the first `Authorization`, and the
 * plugin must count the headers as they were sent.
 */
let app: FastifyInstance
let port: number

beforeAll(async () => {
  app = Fastify()
  await app.register(tokenAuth, {
    verifyToken: (token) =>
      token === 'alice' || token === 'bob'
        ? { ok: true, principal: { roles: [], name: token } as unknown as TokenAuthPrincipal }
        : { ok: false, code: 'invalid_token' },
  })
  app.get('/me', { config: { auth: 'required' } }, async (request) => ({ user: request.user }))
  await app.listen({ host: '127.0.0.1', port: 0 })
  port = (app.server.address() as AddressInfo).port
})

afterAll(async () => app.close())

/** Sends one raw HTTP/1.1 request and resolves with the status code and body. */
function rawGet(headerLines: readonly string[]): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1')
    let text = ''
    socket.setEncoding('utf8')
    socket.on('data', (chunk: string) => (text += chunk))
    socket.on('error', reject)
    socket.on('end', () => {
      const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(text)?.[1])
      resolve({ status, body: text.slice(text.indexOf('\r\n\r\n') + 4) })
    })
    socket.write(['GET /me HTTP/1.1', 'Host: localhost', 'Connection: close', ...headerLines, '', ''].join('\r\n'))
  })
}

describe('repeated credential headers', () => {
  it('answers one Authorization header as usual', async () => {
    const response = await rawGet(['Authorization: Bearer alice'])
    expect(response.status).toBe(200)
    expect(response.body).toContain('alice')
  })

  it('refuses two Authorization headers with 400, rather than reading the first', async () => {
    const response = await rawGet(['Authorization: Bearer alice', 'Authorization: Bearer bob'])
    expect(response.status).toBe(400)
    expect(response.body).toContain('"code":"bad_request"')
  })

  it('refuses the token header plus two Authorization headers (the conflict check is not skipped)', async () => {
    const response = await rawGet(['token: alice', 'Authorization: Bearer alice', 'AUTHORIZATION: Bearer bob'])
    expect(response.status).toBe(400)
  })

  it('refuses two token headers with 400, whatever their case', async () => {
    const response = await rawGet(['token: alice', 'Token: alice'])
    expect(response.status).toBe(400)
  })
})
