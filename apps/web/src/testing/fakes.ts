import { AxiosError, AxiosHeaders, type InternalAxiosRequestConfig } from 'axios'
import { vi } from 'vitest'
import { type ErrorCode, type LoginResponse, type SessionView, type User } from '@tokenauth/shared'
import type { AuthApi } from '../session-lifecycle/auth-module'

/** Test helpers shared by the unit tests: sessions, API errors, a fake auth API. */

export const alice: User = { id: 1, username: 'alice', roles: ['admin'] }
export const bob: User = { id: 2, username: 'bob', roles: [] }

export function session(token: string, user: User = alice): LoginResponse {
  return { token, tokenType: 'Bearer', expiresAt: '2030-01-01T00:00:00.000Z', user }
}

/** What `GET /api/session` answers; the session ends at `absoluteExpiresAt`. */
export function sessionView(absoluteExpiresAt = '2030-01-01T12:00:00.000Z', user: User = alice): SessionView {
  return {
    id: 'session-handle',
    userId: user.id,
    createdAt: '2030-01-01T00:00:00.000Z',
    lastSeenAt: '2030-01-01T00:00:00.000Z',
    idleExpiresAt: '2030-01-01T00:30:00.000Z',
    absoluteExpiresAt,
    items: {},
  }
}

/** An axios error carrying the API's one error shape. */
export function apiError(
  status: number,
  code: ErrorCode,
  config: InternalAxiosRequestConfig = { headers: new AxiosHeaders() },
  headers: Record<string, string> = {},
): AxiosError {
  const response = {
    status,
    statusText: String(status),
    headers,
    config,
    data: { error: { code, message: `the server's words for ${code}` } },
  }
  return new AxiosError(`Request failed with status code ${status}`, AxiosError.ERR_BAD_REQUEST, config, {}, response)
}

/** An axios error without a response (offline, timeout). */
export function networkError(config: InternalAxiosRequestConfig = { headers: new AxiosHeaders() }): AxiosError {
  return new AxiosError('Network Error', AxiosError.ERR_NETWORK, config, {})
}

/** A promise with its resolve/reject at hand. */
export function deferred<T>() {
  let resolve!: (value: T) => void
  let reject!: (reason: unknown) => void
  const promise = new Promise<T>((res, rej) => {
    resolve = res
    reject = rej
  })
  return { promise, resolve, reject }
}

/** An AuthApi whose every call is a spy; by default nobody has a session. */
export function fakeAuthApi() {
  return {
    login: vi.fn<AuthApi['login']>(async () => session('token-1')),
    loginSecondFactor: vi.fn<AuthApi['loginSecondFactor']>(async () => session('token-2fa')),
    loginWithPasskey: vi.fn<AuthApi['loginWithPasskey']>(async () => session('token-passkey')),
    refresh: vi.fn<AuthApi['refresh']>(async () => Promise.reject(apiError(401, 'missing_token'))),
    stepUp: vi.fn<AuthApi['stepUp']>(async () => session('token-stepped-up')),
    logout: vi.fn<AuthApi['logout']>(async () => undefined),
    completeSetup: vi.fn<AuthApi['completeSetup']>(async () => session('token-setup')),
    getSession: vi.fn<AuthApi['getSession']>(async () => sessionView()),
    announce: vi.fn<AuthApi['announce']>(),
  } satisfies AuthApi
}
