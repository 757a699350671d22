import { AxiosHeaders, type AxiosError } from 'axios'
import { afterEach, describe, expect, it } from 'vitest'
import { setLocale, t } from '../i18n'
import { apiError, networkError } from '../testing/fakes'
import { errorCodeOf, errorWords, retryAfterSeconds, serverMessageFor } from './errors'

function withBody(error: AxiosError, data: unknown): AxiosError {
  if (error.response) error.response.data = data
  return error
}

describe('API errors in words', () => {
  it('uses the words of the server code', () => {
    expect(errorWords(apiError(401, 'invalid_credentials'))).toBe('Incorrect username or password.')
    expect(errorWords(apiError(403, 'insufficient_role'))).toBe(t('errors.insufficient_role'))
  })

  it('has words for no answer and for unknown failures', () => {
    expect(errorWords(networkError())).toBe(t('errors.network'))
    expect(errorWords(new Error('boom'))).toMatch(/went wrong/)
  })

  it('ignores bodies that are not the API error shape', () => {
    const error = withBody(apiError(502, 'internal_error'), '<html>Bad gateway</html>')
    expect(errorCodeOf(error)).toBeNull()
    expect(errorWords(error)).toBe(t('errors.internal_error'))
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

describe('in Chinese', () => {
  afterEach(() => setLocale('en'))

  it("maps the server's codes to the app's own Chinese words, never the server's English message", () => {
    setLocale('zh-CN')
    expect(errorWords(apiError(401, 'invalid_credentials'))).toBe('用户名或密码不正确。')
    expect(errorWords(networkError())).toBe('无法连接服务器，请检查网络后重试。')
    const weak = withBody(apiError(400, 'invalid_password'), { error: { code: 'invalid_password', message: 'Use at least 8 characters.' } })
    expect(serverMessageFor(weak, ['invalid_password'])).toBeNull()
    const limited = apiError(429, 'rate_limited', { headers: new AxiosHeaders() }, { 'retry-after': '3' })
    expect(errorWords(limited)).toBe('尝试次数过多，请稍等片刻。3 秒后可重试。')
  })

  it('adds the reference of a server-side failure, in the current language, and leaves it off the rest', () => {
    const config = { headers: new AxiosHeaders() }
    const id = '0b6e2f3c-5d1a-4c8e-9f3b-2a7d9e1c4b60'
    const failed = apiError(503, 'service_unavailable', config, { 'x-request-id': id, 'retry-after': '5' })
    expect(errorWords(failed)).toBe(`${t('errors.service_unavailable')} You can retry in 5 s. (reference: ${id})`)
    setLocale('zh-CN')
    expect(errorWords(failed)).toContain(`参考编号：${id}`)
    setLocale('en')
    expect(errorWords(apiError(401, 'invalid_credentials', config, { 'x-request-id': id }))).toBe('Incorrect username or password.')
    expect(errorWords(apiError(500, 'internal_error', config, { 'x-request-id': 'not an id <script>' }))).toBe(t('errors.internal_error'))
  })
})
