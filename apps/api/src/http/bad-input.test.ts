import type { InjectOptions } from 'fastify'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createAppWithAlice, type TestApp } from '../test-support/test-app.js'
import { BODY_LIMIT_BYTES } from '../app.js'

let t: TestApp
let token: string
beforeAll(async () => {
  ({ t, alice: { token } } = await createAppWithAlice())
})
afterAll(async () => t.close())

type Case = { label: string; status: number; code: string; request: InjectOptions }

const cases: Case[] = [
  { label: 'malformed JSON', status: 400, code: 'bad_request', request: { method: 'POST', url: '/api/auth/login', headers: { 'content-type': 'application/json' }, payload: '{"username": "alice",' } },
  { label: 'JSON with a trailing comma', status: 400, code: 'bad_request', request: { method: 'POST', url: '/api/notes', headers: { token: 'TOKEN', 'content-type': 'application/json' }, payload: '{"text": "x",}' } },
  { label: 'empty JSON body', status: 400, code: 'bad_request', request: { method: 'POST', url: '/api/auth/login', headers: { 'content-type': 'application/json' }, payload: '' } },
  { label: 'JSON null', status: 400, code: 'bad_request', request: { method: 'POST', url: '/api/auth/login', headers: { 'content-type': 'application/json' }, payload: 'null' } },
  { label: 'a string for an object', status: 400, code: 'bad_request', request: { method: 'POST', url: '/api/auth/login', headers: { 'content-type': 'application/json' }, payload: '"alice"' } },
  { label: 'text/plain body', status: 415, code: 'unsupported_media_type', request: { method: 'POST', url: '/api/auth/login', headers: { 'content-type': 'text/plain' }, payload: 'username=alice' } },
  { label: 'form-encoded body', status: 415, code: 'unsupported_media_type', request: { method: 'POST', url: '/api/auth/login', headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: 'username=alice&password=x' } },
  { label: 'garbage content type', status: 415, code: 'unsupported_media_type', request: { method: 'POST', url: '/api/auth/login', headers: { 'content-type': ';;;garbage' }, payload: '{}' } },
  { label: 'body over the limit', status: 413, code: 'payload_too_large', request: { method: 'POST', url: '/api/auth/login', headers: { 'content-type': 'application/json' }, payload: JSON.stringify({ username: 'a', password: 'x'.repeat(BODY_LIMIT_BYTES) }) } },
  { label: 'prototype pollution attempt', status: 400, code: 'bad_request', request: { method: 'POST', url: '/api/auth/login', headers: { 'content-type': 'application/json' }, payload: '{"username":"a","password":"bbbbbbbb","__proto__":{"admin":true}}' } },
  { label: 'constructor pollution attempt', status: 400, code: 'bad_request', request: { method: 'POST', url: '/api/auth/login', headers: { 'content-type': 'application/json' }, payload: '{"username":"a","password":"bbbbbbbb","constructor":{"prototype":{"admin":true}}}' } },
  { label: 'deeply nested JSON', status: 400, code: 'bad_request', request: { method: 'POST', url: '/api/auth/login', headers: { 'content-type': 'application/json' }, payload: '['.repeat(5000) + ']'.repeat(5000) } },
  // Login accepts any username text and answers like any wrong login: no hint about name rules.
  { label: 'odd unicode username', status: 401, code: 'invalid_credentials', request: { method: 'POST', url: '/api/auth/login', payload: { username: 'al\u0000ice\u202e', password: 'bbbbbbbb' } } },
  { label: 'lone surrogate in a note', status: 201, code: '', request: { method: 'POST', url: '/api/notes', headers: { token: 'TOKEN', 'content-type': 'application/json' }, payload: '{"text":"\\ud800 half"}' } },
  { label: 'a number as the note text', status: 400, code: 'bad_request', request: { method: 'POST', url: '/api/notes', headers: { token: 'TOKEN', 'content-type': 'application/json' }, payload: '{"text": 5}' } },
  { label: 'a body on a token route without a token is refused before it is parsed', status: 401, code: 'missing_token', request: { method: 'POST', url: '/api/notes', headers: { 'content-type': 'application/json' }, payload: '{not json' } },
  { label: 'unknown API path', status: 404, code: 'not_found', request: { method: 'GET', url: '/api/nope' } },
  { label: 'unknown method on a known path', status: 404, code: 'not_found', request: { method: 'PATCH', url: '/api/notes' } },
  { label: 'bad percent-encoding in the path', status: 400, code: 'bad_request', request: { method: 'GET', url: '/api/notes/%E0%A4%A' } },
  { label: 'a 2 KB query string', status: 200, code: '', request: { method: 'GET', url: '/api/health?' + 'q='.padEnd(2048, 'x') } },
]

describe('bad input gets a clear 4xx in the one error shape', () => {
  it.each(cases)('$label → $status', async ({ status, code, request }) => {
    const withToken = JSON.parse(JSON.stringify(request).replaceAll('"TOKEN"', JSON.stringify(token))) as InjectOptions
    const response = await t.app.inject(withToken)
    expect(response.statusCode).toBe(status)
    if (code) {
      expect(response.headers['content-type']).toMatch(/^application\/json/)
      const body = response.json()
      expect(body).toEqual({ error: { code, message: expect.any(String) } })
    }
  })

  it('still answers /api/health after all of it, and alice can still sign in', async () => {
    expect((await t.app.inject({ url: '/api/health' })).statusCode).toBe(200)
    await t.login('alice', 'correct horse battery')
  })
})
