import { shallowRef } from 'vue'
import { beforeEach, describe, expect, it, vi } from 'vitest'
import type { RouteLocationNormalizedLoaded } from 'vue-router'
import { errorMessages } from '@tokenauth/shared'
import { createAppStore } from '../../store'
import { authOf } from '../../store/modules/auth'
import { apiError, fakeAuthApi, networkError, session } from '../../testing/fakes'
import { errorBody, fakeHttp, type FakeAnswer } from '../../testing/fake-server'
import { isHandledGlobally } from '../errors'
import { createSessionRecovery } from './session'
import { createTokenInterceptor } from './token'

/** The pieces around the interceptors: a real store with a fake API, a fake router and notifier. */
function harness(answer: (url: string, token: string | null) => FakeAnswer, currentPath = '/notes?tab=mine#top') {
  const api = fakeAuthApi()
  const auth = authOf(createAppStore(api))
  auth.setSession(session('old'))
  const router = {
    currentRoute: shallowRef({ fullPath: currentPath, meta: {} } as RouteLocationNormalizedLoaded),
    replace: vi.fn(async () => undefined),
  }
  const notifier = { notify: vi.fn() }
  const { http, seen } = fakeHttp((config, token) => answer(config.url ?? '', token))
  http.interceptors.request.use(createTokenInterceptor(() => auth.token))
  http.interceptors.response.use(
    undefined,
    createSessionRecovery({ auth, router, notifier, retry: (config) => http.request(config) }),
  )
  return { api, auth, router, notifier, http, seen }
}

const FIVE = ['/notes', '/session', '/me', '/cookies', '/notes?again']

/** A refresh that answers later, so every parallel 401 arrives while it is still in flight. */
function slowly<T>(settle: () => T | Promise<T>, ms = 20): Promise<T> {
  return new Promise<T>((resolve, reject) => setTimeout(() => Promise.resolve().then(settle).then(resolve, reject), ms))
}

describe('session recovery interceptor', () => {
  let h: ReturnType<typeof harness>

  describe('five parallel 401s for a revoked session', () => {
    beforeEach(() => {
      h = harness(() => ({ status: 401, data: errorBody('revoked_token') }))
    })

    it('end the session once: one notice, one redirect, five settled rejections', async () => {
      const results = await Promise.allSettled(FIVE.map((url) => h.http.get(url)))

      expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected', 'rejected', 'rejected', 'rejected'])
      expect(h.router.replace).toHaveBeenCalledTimes(1)
      expect(h.router.replace).toHaveBeenCalledWith({ name: 'login', query: { redirect: '/notes?tab=mine#top' } })
      expect(h.notifier.notify).toHaveBeenCalledTimes(1)
      expect(h.notifier.notify).toHaveBeenCalledWith({ kind: 'warning', text: errorMessages.revoked_token })
      expect(h.auth.token).toBeNull()
      // `revoked_token` means the session is gone: no point asking the cookie for a new token.
      expect(h.api.refresh).not.toHaveBeenCalled()
      // The views are told the user already heard about it.
      for (const result of results) expect(result.status === 'rejected' && isHandledGlobally(result.reason)).toBe(true)
    })
  })

  it('five parallel 401s for an expired token whose session is gone: one refresh, one notice, one redirect', async () => {
    h = harness(() => ({ status: 401, data: errorBody('expired_token') }))
    h.api.refresh.mockImplementation(() => slowly(() => Promise.reject(apiError(401, 'revoked_token'))))

    const results = await Promise.allSettled(FIVE.map((url) => h.http.get(url)))

    expect(results.every((r) => r.status === 'rejected')).toBe(true)
    expect(h.api.refresh).toHaveBeenCalledTimes(1)
    expect(h.router.replace).toHaveBeenCalledTimes(1)
    expect(h.notifier.notify).toHaveBeenCalledTimes(1)
    expect(h.auth.token).toBeNull()
  })

  it('five parallel 401s for an expired token with a live session: one refresh, five retried successes', async () => {
    h = harness((url, token) => (token === 'new' ? { status: 200, data: { url } } : { status: 401, data: errorBody('expired_token') }))
    h.api.refresh.mockImplementation(() => slowly(() => session('new')))

    const responses = await Promise.all(FIVE.map((url) => h.http.get(url)))

    expect(responses.map((r) => r.status)).toEqual([200, 200, 200, 200, 200])
    expect(h.api.refresh).toHaveBeenCalledTimes(1)
    expect(h.router.replace).not.toHaveBeenCalled()
    expect(h.notifier.notify).not.toHaveBeenCalled()
    expect(h.auth.token).toBe('new')
    expect(h.seen).toHaveLength(10)
  })

  it('a retried request that is refused again ends the session instead of looping', async () => {
    h = harness(() => ({ status: 401, data: errorBody('invalid_token') }))
    h.api.refresh.mockResolvedValue(session('new'))

    await expect(h.http.get('/notes')).rejects.toMatchObject({ response: { status: 401 } })
    expect(h.api.refresh).toHaveBeenCalledTimes(1)
    expect(h.seen).toHaveLength(2)
    expect(h.router.replace).toHaveBeenCalledTimes(1)
  })

  it('a 403 rejects with its own error and does not log out', async () => {
    h = harness(() => ({ status: 403, data: errorBody('insufficient_role') }))

    await expect(h.http.delete('/notes/7')).rejects.toMatchObject({ response: { status: 403 } })
    expect(h.auth.token).toBe('old')
    expect(h.router.replace).not.toHaveBeenCalled()
    expect(h.notifier.notify).not.toHaveBeenCalled()
    expect(h.api.refresh).not.toHaveBeenCalled()
  })

  it('a refresh that gets no answer at all does not log out', async () => {
    h = harness(() => ({ status: 401, data: errorBody('expired_token') }))
    h.api.refresh.mockRejectedValue(networkError())

    await expect(h.http.get('/notes')).rejects.toMatchObject({ response: { status: 401 } })
    expect(h.auth.token).toBe('old')
    expect(h.router.replace).not.toHaveBeenCalled()
  })

  it('leaves 401s from the auth endpoints alone (wrong password is an answer, not a lost session)', async () => {
    h = harness(() => ({ status: 401, data: errorBody('invalid_credentials') }))

    await expect(h.http.post('/auth/login', {}, { authEndpoint: true })).rejects.toMatchObject({ response: { status: 401 } })
    expect(h.router.replace).not.toHaveBeenCalled()
    expect(h.notifier.notify).not.toHaveBeenCalled()
    expect(h.auth.token).toBe('old')
  })

  it('does not redirect when the current page is public; still clears and tells once', async () => {
    h = harness(() => ({ status: 401, data: errorBody('revoked_token') }), '/login')
    h.router.currentRoute.value = { fullPath: '/login', meta: { public: true } } as RouteLocationNormalizedLoaded

    await expect(h.http.get('/notes')).rejects.toBeTruthy()
    expect(h.router.replace).not.toHaveBeenCalled()
    expect(h.notifier.notify).toHaveBeenCalledTimes(1)
    expect(h.auth.token).toBeNull()
  })

  it('a 401 arriving after the session already ended stays quiet', async () => {
    h = harness(() => ({ status: 401, data: errorBody('revoked_token') }))
    h.auth.clear()

    await expect(h.http.get('/notes')).rejects.toBeTruthy()
    expect(h.router.replace).not.toHaveBeenCalled()
    expect(h.notifier.notify).not.toHaveBeenCalled()
  })
})
