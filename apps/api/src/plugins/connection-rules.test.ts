import { connect } from 'node:net'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestApp, type TestApp } from '../test-support/test-app.js'
import { rawExchange } from '../test-support/raw-http.js'

const MAX_REQUESTS = 3

let t: TestApp
let port: number
beforeAll(async () => {
  t = await createTestApp({ MAX_REQUESTS_PER_SOCKET: String(MAX_REQUESTS) })
  await t.app.listen({ host: '127.0.0.1', port: 0 })
  port = (t.app.server.address() as AddressInfo).port
})
afterAll(async () => t.close())

/** Sends `count` requests on one keep-alive connection, pipelined, and reads until the server closes it. */
function pipelined(count: number, after = ''): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1')
    let received = ''
    socket.setEncoding('latin1')
    socket.setTimeout(10_000, () => socket.destroy(new Error('the server kept the connection open')))
    socket.on('data', (chunk: string) => (received += chunk))
    socket.on('error', reject)
    socket.on('close', () => resolve(received))
    socket.write('GET /api/health HTTP/1.1\r\nhost: 127.0.0.1\r\n\r\n'.repeat(count) + after)
  })
}

/** One request at a time on one connection, each written after the last answer arrived. */
function oneByOne(count: number): Promise<string[]> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1')
    const answers: string[] = []
    let current = ''
    socket.setEncoding('latin1')
    socket.setTimeout(10_000, () => socket.destroy(new Error('no answer within 10 s')))
    const send = () => socket.write('GET /api/health HTTP/1.1\r\nhost: 127.0.0.1\r\n\r\n')
    socket.on('data', (chunk: string) => {
      current += chunk
      // /api/health answers a small JSON body with content-length: one chunk is one answer here.
      if (!current.includes('\r\n\r\n')) return
      answers.push(current)
      current = ''
      if (answers.length < count) send()
    })
    socket.on('error', reject)
    socket.on('close', () => resolve(answers))
    send()
  })
}

const statuses = (text: string) => [...text.matchAll(/HTTP\/1\.1 (\d{3}) /g)].map((match) => Number(match[1]))

describe('past MAX_REQUESTS_PER_SOCKET the connection is closed, never answered with a bare 503', () => {
  it('answers the allowed requests of a pipelined burst and closes the connection after the last one', async () => {
    const received = await pipelined(MAX_REQUESTS + 2)
    expect(statuses(received)).toEqual(Array(MAX_REQUESTS).fill(200))
  })

  it('never runs a request pipelined past the limit: a note sent after it is not written', async () => {
    await t.addUser('alice', 'correct horse battery')
    const { token } = await t.login('alice', 'correct horse battery')
    const body = JSON.stringify({ text: 'past the limit' })
    const note = `POST /api/notes HTTP/1.1\r\nhost: 127.0.0.1\r\ntoken: ${token}\r\ncontent-type: application/json\r\ncontent-length: ${body.length}\r\n\r\n${body}`
    expect(statuses(await pipelined(MAX_REQUESTS, note))).toEqual(Array(MAX_REQUESTS).fill(200))
    const notes = await t.app.inject({ url: '/api/notes', headers: { token } })
    expect(notes.json()).toMatchObject({ notes: [] })
  })

  it('says connection: close on the last allowed answer, so a client opens a new connection', async () => {
    const answers = await oneByOne(MAX_REQUESTS + 1)
    expect(answers.map((answer) => statuses(answer)[0])).toEqual(Array(MAX_REQUESTS).fill(200))
    expect(answers.at(-1)).toMatch(/^connection: close$/im)
    expect(answers.slice(0, -1).join('')).not.toMatch(/^connection: close$/im)
  })
})

describe('a request with two Host headers is 400 (RFC 9112, section 3.2)', () => {
  it('refuses two Host headers in the one error shape', async () => {
    const answer = await rawExchange(port, 'GET /api/health HTTP/1.1\r\nHost: 127.0.0.1\r\nHost: evil.example\r\nConnection: close\r\n\r\n')
    expect(answer.status).toBe(400)
    expect(JSON.parse(answer.body)).toEqual({ error: { code: 'bad_request', message: expect.stringMatching(/Host/) } })
    expect(answer.headers['x-content-type-options']).toBe('nosniff')
  })

  it('refuses an HTTP/1.1 request without Host in the same shape; HTTP/1.0 needs none', async () => {
    const answer = await rawExchange(port, 'GET /api/health HTTP/1.1\r\nConnection: close\r\n\r\n')
    expect(answer.status).toBe(400)
    expect(JSON.parse(answer.body)).toEqual({ error: { code: 'bad_request', message: expect.stringMatching(/Host/) } })
    expect(answer.headers['x-content-type-options']).toBe('nosniff')
    expect((await rawExchange(port, 'GET /api/health HTTP/1.0\r\n\r\n')).status).toBe(200)
  })

  it('answers one Host header as usual', async () => {
    const answer = await rawExchange(port, 'GET /api/health HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n')
    expect(answer.status).toBe(200)
  })
})
