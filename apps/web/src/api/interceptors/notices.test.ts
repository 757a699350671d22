import { AxiosHeaders } from 'axios'
import { describe, expect, it, vi } from 'vitest'
import { t } from '../../i18n'
import { apiError, networkError } from '../../testing/fakes'
import { isHandledGlobally } from '../errors'
import { createNetworkNotices } from './notices'

function run(error: unknown) {
  const notifier = { notify: vi.fn() }
  expect(() => createNetworkNotices(notifier)(error)).toThrow()
  return notifier.notify
}

describe('network notices interceptor', () => {
  it('toasts a request that got no answer', () => {
    const error = networkError()
    expect(run(error)).toHaveBeenCalledWith({ kind: 'error', text: t('errors.network') })
    expect(isHandledGlobally(error)).toBe(true)
  })

  it('toasts 5xx, 429 and 503 in words, with Retry-After', () => {
    expect(run(apiError(500, 'internal_error'))).toHaveBeenCalledWith({ kind: 'error', text: t('errors.internal_error') })
    const limited = apiError(429, 'rate_limited', { headers: new AxiosHeaders() }, { 'retry-after': '30' })
    expect(run(limited)).toHaveBeenCalledWith({ kind: 'error', text: `${t('errors.rate_limited')} You can retry in 30 s.` })
    expect(run(apiError(503, 'service_unavailable'))).toHaveBeenCalledWith({ kind: 'error', text: t('errors.service_unavailable') })
  })

  it('leaves 4xx answers to the view that asked', () => {
    for (const error of [apiError(401, 'revoked_token'), apiError(403, 'insufficient_role'), apiError(404, 'not_found')]) {
      expect(run(error)).not.toHaveBeenCalled()
      expect(isHandledGlobally(error)).toBe(false)
    }
  })

  it('stays quiet for forms that show their errors inline', () => {
    expect(run(apiError(429, 'rate_limited', { headers: new AxiosHeaders(), inlineErrors: true }))).not.toHaveBeenCalled()
  })
})
