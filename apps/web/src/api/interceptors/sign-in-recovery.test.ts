import { shallowRef } from 'vue'
import { beforeEach, describe, expect, it, vi } from 'vitest'
import type { RouteLocationNormalizedLoaded } from 'vue-router'
import { TOKEN_HEADER, type User } from '@tokenauth/shared'
import { t } from '../../i18n'
import { createSessionLifecycle } from '../../session-lifecycle/lifecycle'
import { createSignInPrompt } from '../../session-lifecycle/sign-in-prompt'
import { createAppStore } from '../../store'
import { authOf } from '../../session-lifecycle/auth-access'
import { alice, apiError, bob, fakeAuthApi, networkError, session } from '../../testing/fakes'
import { errorBody, fakeHttp, type FakeAnswer } from '../../testing/fake-server'
import { isHandledGlobally } from '../errors'
import { createSignInRecovery } from './sign-in-recovery'
import { createTokenInterceptor } from './token'

/**
 * The pieces around the interceptor: a real store with a fake API, the real sign-in
 * prompt and session lifecycle, a fake router and notifier.
 */
function harness(answer: (url: string, token: string | null) => FakeAnswer, currentPath = '/notes?tab=mine#top') {
  const api = fakeAuthApi()
  const auth = authOf(createAppStore(api))
  auth.setSession(session('old'))
  const router = {
    currentRoute: shallowRef({ fullPath: currentPath, meta: {} } as RouteLocationNormalizedLoaded),
    replace: vi.fn(async () => undefined),
  }
  const notifier = { notify: vi.fn() }
  const prompt = createSignInPrompt()
  const lifecycle = createSessionLifecycle({ auth, prompt, router, notifier })
  const sessionEnded = vi.spyOn(lifecycle, 'sessionEnded')
  const { http, seen } = fakeHttp((config, token) => answer(config.url ?? '', token))
  http.interceptors.request.use(createTokenInterceptor(() => auth.token, lifecycle.noteSent))
  http.interceptors.response.use(undefined, createSignInRecovery({ lifecycle, retry: (config) => http.request(config) }))

  /** What the dialog does when the user signs in: the store gets the new session, the prompt the answer. */
  async function signInInDialog(token: string, user: User = alice): Promise<void> {
    await vi.waitFor(() => expect(prompt.isOpen).toBe(true))
    api.login.mockResolvedValueOnce(session(token, user))
    await auth.login({ username: user.username, password: 'pw' })
    prompt.answer({ kind: 'signed-in', user })
  }

  return { api, auth, router, notifier, prompt, sessionEnded, http, seen, signInInDialog }
}

const FIVE = ['/notes', '/session', '/me', '/cookies', '/notes?again']
const tokensSent = (seen: { headers: { get(name: string): unknown } }[]) => seen.map((config) => config.headers.get(TOKEN_HEADER) ?? null)

/** A refresh that answers later, so every parallel 401 arrives while it is still in flight. */
function slowly<T>(settle: () => T | Promise<T>, ms = 20): Promise<T> {
  return new Promise<T>((resolve, reject) => setTimeout(() => Promise.resolve().then(settle).then(resolve, reject), ms))
}

/** Whether each promise has settled yet, without waiting for it. */
function track<T>(promises: Promise<T>[]) {
  const settled = promises.map(() => false)
  promises.forEach((promise, index) => void promise.then(() => (settled[index] = true), () => (settled[index] = true)))
  return settled
}

describe('session recovery interceptor: renewal', () => {
  it('five parallel 401s for an expired token: ONE refresh, and all five retried with the new token', async () => {
    const h = harness((url, token) => (token === 'new' ? { status: 200, data: { url } } : { status: 401, data: errorBody('expired_token') }))
    h.api.refresh.mockImplementation(() => slowly(() => session('new')))

    const responses = await Promise.all(FIVE.map((url) => h.http.get(url)))

    expect(responses.map((r) => r.status)).toEqual([200, 200, 200, 200, 200])
    expect(responses.map((r) => (r.data as { url: string }).url)).toEqual(FIVE)
    expect(h.api.refresh).toHaveBeenCalledTimes(1)
    expect(tokensSent(h.seen)).toEqual([...FIVE.map(() => 'old'), ...FIVE.map(() => 'new')])
    expect(h.auth.token).toBe('new')
    expect(h.prompt.isOpen).toBe(false)
    expect(h.router.replace).not.toHaveBeenCalled()
    expect(h.notifier.notify).not.toHaveBeenCalled()
  })

  it('five parallel 401s whose renewal is refused: one refresh, one dialog; Cancel → one redirect, five rejections', async () => {
    const h = harness(() => ({ status: 401, data: errorBody('expired_token') }))
    h.api.refresh.mockImplementation(() => slowly(() => Promise.reject(apiError(401, 'revoked_token'))))

    const requests = FIVE.map((url) => h.http.get(url))
    await vi.waitFor(() => expect(h.prompt.isOpen).toBe(true))
    h.prompt.answer({ kind: 'cancelled' })
    const results = await Promise.allSettled(requests)

    expect(results.map((r) => r.status)).toEqual(FIVE.map(() => 'rejected'))
    expect(h.api.refresh).toHaveBeenCalledTimes(1)
    expect(h.sessionEnded).toHaveBeenCalledTimes(1)
    expect(h.router.replace).toHaveBeenCalledTimes(1)
    expect(h.router.replace).toHaveBeenCalledWith({ name: 'login', query: { redirect: '/notes?tab=mine#top', reason: 'ended' } })
    expect(h.auth.token).toBeNull()
    expect(h.auth.user).toBeNull()
    for (const result of results) expect(result.status === 'rejected' && isHandledGlobally(result.reason)).toBe(true)
  })

  it('a retried request that is refused again asks for sign-in instead of looping', async () => {
    const h = harness(() => ({ status: 401, data: errorBody('invalid_token') }))
    h.api.refresh.mockResolvedValue(session('new'))

    const request = h.http.get('/notes')
    await vi.waitFor(() => expect(h.prompt.isOpen).toBe(true))
    h.prompt.answer({ kind: 'cancelled' })
    await expect(request).rejects.toMatchObject({ response: { status: 401 } })
    expect(h.api.refresh).toHaveBeenCalledTimes(1)
    expect(h.seen).toHaveLength(2)
  })

  it('a refresh that gets no answer at all does not sign anyone out', async () => {
    const h = harness(() => ({ status: 401, data: errorBody('expired_token') }))
    h.api.refresh.mockRejectedValue(networkError())

    await expect(h.http.get('/notes')).rejects.toMatchObject({ response: { status: 401 } })
    expect(h.auth.token).toBe('old')
    expect(h.prompt.isOpen).toBe(false)
    expect(h.router.replace).not.toHaveBeenCalled()
  })

  it('a refresh answered 503 does not sign anyone out either', async () => {
    const h = harness(() => ({ status: 401, data: errorBody('expired_token') }))
    h.api.refresh.mockRejectedValue(apiError(503, 'service_unavailable'))

    await expect(h.http.get('/notes')).rejects.toMatchObject({ response: { status: 401 } })
    expect(h.auth.token).toBe('old')
    expect(h.sessionEnded).not.toHaveBeenCalled()
  })
})

describe('session recovery interceptor: the session ended in the middle of work', () => {
  let h: ReturnType<typeof harness>

  beforeEach(() => {
    h = harness((url, token) => (token === 'again' ? { status: 200, data: { url } } : { status: 401, data: errorBody('revoked_token') }))
  })

  it('five parallel 401s open ONE dialog, with the username, and every request waits for it', async () => {
    const requests = FIVE.map((url) => h.http.get(url))
    const settled = track(requests)
    await vi.waitFor(() => expect(h.prompt.isOpen).toBe(true))
    await new Promise((resolve) => setTimeout(resolve, 30))

    expect(settled).toEqual(FIVE.map(() => false))
    expect(h.prompt.current.value).toEqual({ reason: 'ended', username: 'alice' })
    expect(h.sessionEnded).toHaveBeenCalledTimes(1)
    // `revoked_token` means the session is gone: no point asking the cookie for a new token.
    expect(h.api.refresh).not.toHaveBeenCalled()
    // Nothing moves: the page and what is typed on it stay; the user too, the token goes.
    expect(h.router.replace).not.toHaveBeenCalled()
    expect(h.auth.token).toBeNull()
    expect(h.auth.user).toEqual(alice)
    expect(h.notifier.notify).not.toHaveBeenCalled()

    h.prompt.answer({ kind: 'cancelled' })
    await Promise.allSettled(requests)
  })

  it('signing in again as the same user retries all five with the new token', async () => {
    const requests = FIVE.map((url) => h.http.get(url))
    await h.signInInDialog('again')
    const responses = await Promise.all(requests)

    expect(responses.map((r) => r.status)).toEqual([200, 200, 200, 200, 200])
    expect(tokensSent(h.seen).slice(-5)).toEqual(FIVE.map(() => 'again'))
    expect(h.router.replace).not.toHaveBeenCalled()
    expect(h.api.announce).toHaveBeenCalledWith('login')
  })

  it('a request made while the dialog is open waits too, and goes out after signing in', async () => {
    const first = h.http.get('/notes')
    await vi.waitFor(() => expect(h.prompt.isOpen).toBe(true))
    const late = h.http.post('/notes', { text: 'typed while the dialog was open' })
    await new Promise((resolve) => setTimeout(resolve, 10))
    await h.signInInDialog('again')

    await expect(first).resolves.toMatchObject({ status: 200 })
    await expect(late).resolves.toMatchObject({ status: 200 })
    const resent = h.seen.at(-1)
    expect(resent?.headers.get(TOKEN_HEADER)).toBe('again')
    expect(JSON.parse(String(resent?.data))).toEqual({ text: 'typed while the dialog was open' })
  })

  it('signing in as someone else retries nothing and opens the dashboard afresh', async () => {
    const requests = FIVE.map((url) => h.http.post(url, { text: "alice's draft" }))
    await h.signInInDialog('again', bob)
    const results = await Promise.allSettled(requests)

    expect(results.map((r) => r.status)).toEqual(FIVE.map(() => 'rejected'))
    for (const result of results) expect(result.status === 'rejected' && isHandledGlobally(result.reason)).toBe(true)
    expect(tokensSent(h.seen)).not.toContain('again')
    expect(h.router.replace).toHaveBeenCalledTimes(1)
    expect(h.router.replace).toHaveBeenCalledWith({ name: 'overview' })
    expect(h.auth.user).toEqual(bob)
  })

  it('Cancel rejects every waiting request and shows the login page once, with ?redirect=', async () => {
    const requests = FIVE.map((url) => h.http.get(url))
    await vi.waitFor(() => expect(h.prompt.isOpen).toBe(true))
    h.prompt.answer({ kind: 'cancelled' })
    const results = await Promise.allSettled(requests)

    expect(results.every((r) => r.status === 'rejected')).toBe(true)
    expect(h.router.replace).toHaveBeenCalledTimes(1)
    expect(h.router.replace).toHaveBeenCalledWith({ name: 'login', query: { redirect: '/notes?tab=mine#top', reason: 'ended' } })
    expect(h.auth.user).toBeNull()
    // A 401 arriving after that changes nothing more.
    await expect(h.http.get('/late')).rejects.toBeTruthy()
    expect(h.router.replace).toHaveBeenCalledTimes(1)
    expect(h.sessionEnded).toHaveBeenCalledTimes(1)
  })

  it('a request refused again right after signing in is not retried a second time', async () => {
    h = harness(() => ({ status: 401, data: errorBody('revoked_token') }))
    const request = h.http.get('/notes')
    await h.signInInDialog('again')
    await vi.waitFor(() => expect(h.prompt.isOpen).toBe(true))
    h.prompt.answer({ kind: 'cancelled' })
    await expect(request).rejects.toMatchObject({ response: { status: 401 } })
    expect(h.seen).toHaveLength(2)
  })
})

describe('session recovery interceptor: what it leaves alone', () => {
  it('a 403 rejects with its own error and does not sign out', async () => {
    const h = harness(() => ({ status: 403, data: errorBody('insufficient_role') }))

    await expect(h.http.delete('/notes/7')).rejects.toMatchObject({ response: { status: 403 } })
    expect(h.auth.token).toBe('old')
    expect(h.prompt.isOpen).toBe(false)
    expect(h.api.refresh).not.toHaveBeenCalled()
  })

  it('leaves 401s from the auth endpoints alone (wrong password is an answer, not a lost session)', async () => {
    const h = harness(() => ({ status: 401, data: errorBody('invalid_credentials') }))

    await expect(h.http.post('/auth/login', {}, { authEndpoint: 'tokenless' })).rejects.toMatchObject({ response: { status: 401 } })
    expect(h.prompt.isOpen).toBe(false)
    expect(h.auth.token).toBe('old')
  })

  it('on a public page there is no work to keep: clears and tells once, no dialog, no redirect', async () => {
    const h = harness(() => ({ status: 401, data: errorBody('revoked_token') }), '/login')
    h.router.currentRoute.value = { fullPath: '/login', meta: { public: true } } as RouteLocationNormalizedLoaded

    await expect(h.http.get('/notes')).rejects.toBeTruthy()
    expect(h.prompt.isOpen).toBe(false)
    expect(h.router.replace).not.toHaveBeenCalled()
    expect(h.notifier.notify).toHaveBeenCalledTimes(1)
    expect(h.notifier.notify).toHaveBeenCalledWith({ kind: 'warning', text: t('errors.revoked_token') })
    expect(h.auth.token).toBeNull()
  })

  it('a 401 arriving after a sign-out stays quiet', async () => {
    const h = harness(() => ({ status: 401, data: errorBody('revoked_token') }))
    h.auth.clear()

    const failure = await h.http.get('/notes').catch((error: unknown) => error)
    expect(isHandledGlobally(failure)).toBe(true)
    expect(h.prompt.isOpen).toBe(false)
    expect(h.router.replace).not.toHaveBeenCalled()
  })

  it('never retries a request for a user other than the one it was sent for', async () => {
    const h = harness((url, token) => {
      // While alice's request is on its way, bob signs in (in another tab, say).
      if (token === 'old') h.auth.setSession(session('bobs', bob))
      return token === 'bobs' ? { status: 200, data: { url } } : { status: 401, data: errorBody('expired_token') }
    })

    const failure = await h.http.post('/notes', { text: "alice's" }).catch((error: unknown) => error)
    expect(isHandledGlobally(failure)).toBe(true)
    expect(h.seen).toHaveLength(1)
    expect(h.api.refresh).not.toHaveBeenCalled()
  })
})
