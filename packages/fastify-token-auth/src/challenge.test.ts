import Fastify from 'fastify'
import { describe, expect, it } from 'vitest'
import { DEFAULT_MESSAGES as errorMessages } from './messages.js'
import { buildRefusals, quotedString, sendRefusal } from './challenge.js'

describe('buildRefusals', () => {
  const refusals = buildRefusals('Bearer', 'api', errorMessages)

  it('challenges without an error attribute when no token was presented', () => {
    expect(refusals.missing_token).toEqual({
      status: 401,
      challenge: 'Bearer realm="api"',
      body: JSON.stringify({ error: { code: 'missing_token', message: errorMessages.missing_token } }),
    })
  })

  it('challenges with invalid_token and the message for a presented token', () => {
    for (const code of ['malformed_token', 'invalid_token', 'expired_token', 'revoked_token'] as const) {
      expect(refusals[code].status).toBe(401)
      expect(refusals[code].challenge).toBe(
        `Bearer realm="api", error="invalid_token", error_description="${errorMessages[code]}"`,
      )
      expect(JSON.parse(refusals[code].body)).toEqual({ error: { code, message: errorMessages[code] } })
    }
  })

  it('does not challenge a 403 or a 503, and answers a conflict with invalid_request', () => {
    expect(refusals.insufficient_role).toMatchObject({ status: 403, challenge: undefined })
    expect(refusals.service_unavailable).toMatchObject({ status: 503, challenge: undefined })
    expect(refusals.bad_request).toMatchObject({ status: 400, challenge: 'Bearer realm="api", error="invalid_request"' })
  })

  it('escapes the realm', () => {
    expect(buildRefusals('Token', 'a "b" \\c', errorMessages).missing_token.challenge).toBe('Token realm="a \\"b\\" \\\\c"')
  })
})

describe('quotedString', () => {
  it('refuses characters that cannot be in a header', () => {
    expect(() => quotedString('a\r\nb')).toThrow(TypeError)
    expect(() => quotedString('é')).toThrow(TypeError)
    expect(quotedString('a\tb')).toBe('"a\tb"')
  })
})

describe('sendRefusal', () => {
  it('sends status, headers and the body as it is', async () => {
    const app = Fastify()
    app.get('/', (_request, reply) => sendRefusal(reply, buildRefusals('Bearer', 'api', errorMessages).expired_token))
    const response = await app.inject('/')
    expect(response.statusCode).toBe(401)
    expect(response.headers['cache-control']).toBe('no-store')
    expect(response.headers['content-type']).toBe('application/json; charset=utf-8')
    expect(response.json()).toEqual({ error: { code: 'expired_token', message: errorMessages.expired_token } })
    await app.close()
  })
})
