import { AxiosHeaders, type AxiosError } from 'axios'
import { describe, expect, it } from 'vitest'
import { errorMessages } from '@tokenauth/shared'
import { apiError, networkError } from '../testing/fakes'
import { errorCodeOf, errorWords, NETWORK_ERROR_WORDS, retryAfterSeconds, serverMessageFor } from './errors'

function withBody(error: AxiosError, data: unknown): AxiosError {
  if (error.response) error.response.data = data
  return error
}

describe('API errors in words', () => {
  it('uses the words of the server code', () => {
    expect(errorWords(apiError(401, 'invalid_credentials'))).toBe('Incorrect username or password.')
    expect(errorWords(apiError(403, 'insufficient_role'))).toBe(errorMessages.insufficient_role)
  })

  it('has words for no answer and for unknown failures', () => {
    expect(errorWords(networkError())).toBe(NETWORK_ERROR_WORDS)
    expect(errorWords(new Error('boom'))).toMatch(/went wrong/)
  })

  it('ignores bodies that are not the API error shape', () => {
    const error = withBody(apiError(502, 'internal_error'), '<html>Bad gateway</html>')
    expect(errorCodeOf(error)).toBeNull()
    expect(errorWords(error)).toBe(errorMessages.internal_error)
    const odd = withBody(apiError(400, 'bad_request'), { error: { code: 'made_up' } })
    expect(errorCodeOf(odd)).toBeNull()
  })

  it('reads Retry-After as seconds or as a date', () => {
    const config = { headers: new AxiosHeaders() }
    expect(retryAfterSeconds(apiError(429, 'rate_limited', config, { 'retry-after': '12' }))).toBe(12)
    const now = Date.parse('2030-01-01T00:00:00Z')
    const dated = apiError(503, 'service_unavailable', config, { 'retry-after': 'Tue, 01 Jan 2030 00:01:00 GMT' })
    expect(retryAfterSeconds(dated, now)).toBe(60)
    expect(retryAfterSeconds(apiError(429, 'rate_limited'))).toBeNull()
  })
})

describe("the server's own message", () => {
  it('is read for the codes asked for, and only when it is there', () => {
    const weak = withBody(apiError(400, 'invalid_password'), { error: { code: 'invalid_password', message: 'Use at least 8 characters.' } })
    expect(serverMessageFor(weak, ['invalid_password', 'conflict'])).toBe('Use at least 8 characters.')
    expect(serverMessageFor(weak, ['conflict'])).toBeNull()
    const blank = withBody(apiError(409, 'conflict'), { error: { code: 'conflict', message: ' ' } })
    expect(serverMessageFor(blank, ['conflict'])).toBeNull()
    expect(serverMessageFor(networkError(), ['conflict'])).toBeNull()
  })
})
