import { AxiosHeaders, type InternalAxiosRequestConfig } from 'axios'
import { describe, expect, it } from 'vitest'
import { TOKEN_HEADER } from '@tokenauth/shared'
import { createTokenInterceptor } from './token'

const request = (url: string, baseURL = '/api'): InternalAxiosRequestConfig => ({ url, baseURL, headers: new AxiosHeaders() })

describe('token request interceptor', () => {
  it('puts the token in the `token` header', () => {
    const config = createTokenInterceptor(() => 'abc')(request('/notes'))
    expect(TOKEN_HEADER).toBe('token')
    expect(config.headers.get('token')).toBe('abc')
  })

  it('sends no header without a token, and drops a stale one', () => {
    const stale = request('/notes')
    stale.headers.set(TOKEN_HEADER, 'old')
    expect(createTokenInterceptor(() => null)(stale).headers.has(TOKEN_HEADER)).toBe(false)
  })

  it.each(['https://evil.example/x', '//evil.example/x', 'HTTP://evil.example'])('never sends it to another origin (%s)', (url) => {
    expect(createTokenInterceptor(() => 'abc')(request(url)).headers.has(TOKEN_HEADER)).toBe(false)
  })

  it('never sends it when the base URL is absolute', () => {
    expect(createTokenInterceptor(() => 'abc')(request('/notes', 'https://elsewhere.example')).headers.has(TOKEN_HEADER)).toBe(false)
  })
})

describe('telling the session lifecycle', () => {
  it('notes every request as it goes out, with or without a token, and the token is already attached', () => {
    const noted: (string | null)[] = []
    const note = (config: InternalAxiosRequestConfig) => void noted.push((config.headers.get(TOKEN_HEADER) as string | undefined) ?? null)
    createTokenInterceptor(() => 'abc', note)(request('/notes'))
    createTokenInterceptor(() => null, note)(request('/notes'))
    expect(noted).toEqual(['abc', null])
  })
})
