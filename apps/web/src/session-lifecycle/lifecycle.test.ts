import { shallowRef } from 'vue'
import { flushPromises } from '@vue/test-utils'
import { beforeEach, describe, expect, it, vi, type Mock } from 'vitest'
import type { RouteLocationNormalizedLoaded, Router } from 'vue-router'
import { AxiosHeaders, type InternalAxiosRequestConfig } from 'axios'
import { TOKEN_HEADER } from '@tokenauth/shared'
import { isHandledGlobally } from '../api/errors'
import type { Notifier } from '../feedback/toasts'
import { createAppStore } from '../store'
import { authOf, type Auth } from './auth-access'
import { alice, apiError, bob, deferred, fakeAuthApi, session } from '../testing/fakes'
import { createSessionLifecycle, type SessionLifecycle } from './lifecycle'
import { createSignInPrompt, type SignInPrompt } from './sign-in-prompt'

/** A request as it went out with `token`, noted by the lifecycle (as the token interceptor does). */
function sent(lifecycle: SessionLifecycle, url: string, token: string | null = 'old'): InternalAxiosRequestConfig {
  const config: InternalAxiosRequestConfig = { url, headers: new AxiosHeaders(token ? { [TOKEN_HEADER]: token } : {}) }
  lifecycle.noteSent(config)
  return config
}

const FIVE = ['/a', '/b', '/c', '/d', '/e']

function fakeRouter() {
  return {
    currentRoute: shallowRef({ fullPath: '/notes?x=1', meta: {} } as RouteLocationNormalizedLoaded),
    replace: vi.fn<Router['replace']>(async () => undefined),
  }
}

describe('the session lifecycle: re-authentication in place', () => {
  let api: ReturnType<typeof fakeAuthApi>
  let auth: Auth
  let prompt: SignInPrompt
  let router: ReturnType<typeof fakeRouter>
  let notifier: { notify: Mock<Notifier['notify']> }
  let lifecycle: SessionLifecycle

  beforeEach(() => {
    api = fakeAuthApi()
    auth = authOf(createAppStore(api))
    auth.setSession(session('old'))
    prompt = createSignInPrompt()
    router = fakeRouter()
    notifier = { notify: vi.fn<Notifier['notify']>() }
    lifecycle = createSessionLifecycle({ auth, prompt, router, notifier })
  })

  async function signIn(user = alice) {
    api.login.mockResolvedValueOnce(session('again', user))
    await auth.login({ username: user.username, password: 'pw' })
    prompt.answer({ kind: 'signed-in', user })
  }

  describe('when the session ended', () => {
    it('keeps the user on screen, drops the token and asks with the username prefilled', () => {
      void lifecycle.sessionEnded()
      expect(prompt.current.value).toEqual({ reason: 'ended', username: 'alice' })
      expect(auth.token).toBeNull()
      expect(auth.user).toEqual(alice)
      expect(router.replace).not.toHaveBeenCalled()
    })

    it('the same user signing in: same-user, and the other tabs hear of it', async () => {
      const outcome = lifecycle.sessionEnded()
      await signIn()
      await expect(outcome).resolves.toBe('same-user')
      // The store's login action told them; re-authentication itself posts nothing.
      expect(api.announce).toHaveBeenCalledWith('login')
      expect(api.announce).toHaveBeenCalledTimes(1)
      expect(router.replace).not.toHaveBeenCalled()
    })

    it('someone else signing in: other-user, and the dashboard opens for them', async () => {
      const outcome = lifecycle.sessionEnded()
      await signIn(bob)
      await expect(outcome).resolves.toBe('other-user')
      expect(router.replace).toHaveBeenCalledWith({ name: 'overview' })
    })

    it('Cancel: cleared, and the login page once with ?redirect=', async () => {
      const outcomes = [lifecycle.sessionEnded(), lifecycle.sessionEnded()]
      prompt.answer({ kind: 'cancelled' })
      await expect(Promise.all(outcomes)).resolves.toEqual(['ended', 'ended'])
      expect(auth.user).toBeNull()
      expect(router.replace).toHaveBeenCalledTimes(1)
      expect(router.replace).toHaveBeenCalledWith({ name: 'login', query: { redirect: '/notes?x=1', reason: 'ended' } })
    })

    it('signed out in another tab meanwhile: ended, and the login page once, saying signed out', async () => {
      const outcome = lifecycle.sessionEnded()
      lifecycle.followSignOut()
      await expect(outcome).resolves.toBe('ended')
      expect(auth.user).toBeNull()
      expect(router.replace).toHaveBeenCalledTimes(1)
      expect(router.replace).toHaveBeenCalledWith({ name: 'login', query: { redirect: '/notes?x=1', reason: 'signed-out' } })
    })

    it('on a public page: no dialog, cleared at once with one notice', async () => {
      router.currentRoute.value = { fullPath: '/404', meta: { public: true } } as RouteLocationNormalizedLoaded
      await expect(lifecycle.sessionEnded()).resolves.toBe('ended')
      expect(prompt.isOpen).toBe(false)
      expect(auth.user).toBeNull()
      expect(notifier.notify).toHaveBeenCalledTimes(1)
    })
  })

  describe('signing in again early, before the absolute end', () => {
    it('Cancel keeps the session as it was', async () => {
      const outcome = lifecycle.signInEarly()
      expect(prompt.current.value?.reason).toBe('ending-soon')
      prompt.answer({ kind: 'cancelled' })
      await expect(outcome).resolves.toBe('kept')
      expect(auth.token).toBe('old')
      expect(router.replace).not.toHaveBeenCalled()
    })

    it('signing in starts the new session', async () => {
      const outcome = lifecycle.signInEarly()
      await signIn()
      await expect(outcome).resolves.toBe('same-user')
      expect(auth.token).toBe('again')
    })

    it('if the session ends while the dialog is open, it becomes the "ended" dialog and Cancel leaves', async () => {
      const early = lifecycle.signInEarly()
      const ended = lifecycle.sessionEnded()
      expect(prompt.current.value?.reason).toBe('ended')
      prompt.answer({ kind: 'cancelled' })
      await expect(ended).resolves.toBe('ended')
      await expect(early).resolves.toBe('ended')
      expect(router.replace).toHaveBeenCalledTimes(1)
    })
  })

  describe('following a sign-in in another tab', () => {
    it('answers an open dialog with the session from the shared cookie', async () => {
      const outcome = lifecycle.sessionEnded()
      api.refresh.mockResolvedValueOnce(session('from-other-tab'))
      await lifecycle.followSignIn()
      await expect(outcome).resolves.toBe('same-user')
      expect(auth.token).toBe('from-other-tab')
      // That tab already told everyone.
      expect(api.announce).not.toHaveBeenCalled()
    })

    it('a signed-in tab moves onto the new session; someone else’s opens the dashboard afresh', async () => {
      api.refresh.mockResolvedValueOnce(session('same', alice)).mockResolvedValueOnce(session('bobs', bob))
      await lifecycle.followSignIn()
      expect(auth.token).toBe('same')
      expect(router.replace).not.toHaveBeenCalled()
      await lifecycle.followSignIn()
      await flushPromises()
      expect(auth.user).toEqual(bob)
      expect(router.replace).toHaveBeenCalledWith({ name: 'overview' })
    })

    it('nothing usable in the cookie: nothing changes', async () => {
      api.refresh.mockRejectedValueOnce(apiError(401, 'revoked_token'))
      await lifecycle.followSignIn()
      expect(auth.token).toBe('old')
      expect(router.replace).not.toHaveBeenCalled()
    })
  })

  describe('recovering requests refused with 401', () => {
    it('N requests refused at once: ONE refresh, and each is handed back to retry with the renewed token', async () => {
      const refresh = deferred<ReturnType<typeof session>>()
      api.refresh.mockReturnValue(refresh.promise)
      const configs = FIVE.map((url) => sent(lifecycle, url))
      const retries = configs.map((config) => lifecycle.recoverFrom(apiError(401, 'expired_token', config), config))
      refresh.resolve(session('new'))

      const again = await Promise.all(retries)
      expect(api.refresh).toHaveBeenCalledTimes(1)
      expect(again.map((config) => [config.url, config.recovery])).toEqual(FIVE.map((url) => [url, 'renewed']))
      expect(auth.token).toBe('new')
      expect(prompt.isOpen).toBe(false)
    })

    it('a re-authentication in flight is shared by N failing requests: one refresh, one dialog, each retried once after', async () => {
      api.refresh.mockRejectedValue(apiError(401, 'revoked_token'))
      const sessionEnded = vi.spyOn(lifecycle, 'sessionEnded')
      const configs = FIVE.map((url) => sent(lifecycle, url))
      const retries = configs.map((config) => lifecycle.recoverFrom(apiError(401, 'expired_token', config), config))
      await vi.waitFor(() => expect(prompt.isOpen).toBe(true))
      // A request refused while the dialog is open joins it too.
      const late = sent(lifecycle, '/late', null)
      retries.push(lifecycle.recoverFrom(apiError(401, 'expired_token', late), late))
      await signIn(alice)

      const again = await Promise.all(retries)
      expect(api.refresh).toHaveBeenCalledTimes(1)
      expect(sessionEnded).toHaveBeenCalledTimes(1)
      expect(again.map((config) => config.recovery)).toEqual([...FIVE, '/late'].map(() => 'signed-in-again'))
    })

    it('Cancel rejects every waiting request with its own error, marked as already told', async () => {
      api.refresh.mockRejectedValue(apiError(401, 'expired_token'))
      const configs = FIVE.map((url) => sent(lifecycle, url))
      const errors = configs.map((config) => apiError(401, 'expired_token', config))
      const retries = configs.map((config, index) => lifecycle.recoverFrom(errors[index], config))
      await vi.waitFor(() => expect(prompt.isOpen).toBe(true))
      prompt.answer({ kind: 'cancelled' })

      const settled = await Promise.allSettled(retries)
      expect(settled.map((result) => (result.status === 'rejected' ? result.reason : 'retried'))).toEqual(errors)
      expect(errors.every(isHandledGlobally)).toBe(true)
      expect(router.replace).toHaveBeenCalledTimes(1)
    })

    it('a renewal ahead that was refused: the request’s 401 opens the dialog without asking the cookie again', async () => {
      api.refresh.mockRejectedValue(apiError(401, 'revoked_token'))
      const config = sent(lifecycle, '/a')
      await expect(lifecycle.renewBefore(config)).resolves.toBe(false)
      const retry = lifecycle.recoverFrom(apiError(401, 'expired_token', config), config)
      await vi.waitFor(() => expect(prompt.isOpen).toBe(true))
      expect(api.refresh).toHaveBeenCalledTimes(1)
      prompt.answer({ kind: 'cancelled' })
      await expect(retry).rejects.toBeTruthy()
    })

    it('a request sent for one user is never handed back to retry for another', async () => {
      const config = sent(lifecycle, '/a')
      auth.setSession(session('bobs', bob))
      const error = apiError(401, 'expired_token', config)
      await expect(lifecycle.recoverFrom(error, config)).rejects.toBe(error)
      expect(isHandledGlobally(error)).toBe(true)
      expect(api.refresh).not.toHaveBeenCalled()
    })
  })

  describe('telling the other tabs', () => {
    it('only the store’s sign-in and sign-out announce: recovery, the dialog and following other tabs never do', async () => {
      api.refresh.mockRejectedValueOnce(apiError(401, 'expired_token')).mockResolvedValue(session('from-cookie'))
      const config = sent(lifecycle, '/a')
      const retry = lifecycle.recoverFrom(apiError(401, 'expired_token', config), config)
      await vi.waitFor(() => expect(prompt.isOpen).toBe(true))
      expect(api.announce).not.toHaveBeenCalled()
      await signIn(alice) // the dialog's sign-in goes through the store's login action
      await retry
      expect(api.announce.mock.calls).toEqual([['login']])

      await lifecycle.renewBefore(sent(lifecycle, '/b'))
      await lifecycle.followSignIn()
      lifecycle.followSignOut()
      expect(api.announce.mock.calls).toEqual([['login']])
    })

    it('no other file announces or posts to the other tabs', () => {
      const sources = import.meta.glob<string>(['../**/*.ts', '../**/*.vue', '!../**/*.test.ts'], { query: '?raw', import: 'default', eager: true })
      const announcing = Object.entries(sources)
        .filter(([, text]) => /\.announce\(|channel\.post\(/.test(text))
        .map(([path]) => path)
      // auth-module.ts: the actions' `api.announce`; main.ts: wires `announce` to the channel.
      expect(announcing.sort()).toEqual(['../main.ts', './auth-module.ts'])
    })
  })
})
