import { shallowRef } from 'vue'
import { flushPromises } from '@vue/test-utils'
import { beforeEach, describe, expect, it, vi, type Mock } from 'vitest'
import type { RouteLocationNormalizedLoaded, Router } from 'vue-router'
import type { Notifier } from '../feedback/toasts'
import { createAppStore } from '../store'
import { authOf, type Auth } from '../store/modules/auth'
import { alice, apiError, bob, fakeAuthApi, session } from '../testing/fakes'
import type { AuthChannel } from '../sync/auth-channel'
import { createReauthentication, type Reauthentication } from './reauthentication'
import { createSignInPrompt, type SignInPrompt } from './sign-in-prompt'

function fakeRouter() {
  return {
    currentRoute: shallowRef({ fullPath: '/notes?x=1', meta: {} } as RouteLocationNormalizedLoaded),
    replace: vi.fn<Router['replace']>(async () => undefined),
  }
}

describe('re-authentication in place', () => {
  let api: ReturnType<typeof fakeAuthApi>
  let auth: Auth
  let prompt: SignInPrompt
  let router: ReturnType<typeof fakeRouter>
  let channel: { post: Mock<AuthChannel['post']> }
  let notifier: { notify: Mock<Notifier['notify']> }
  let reauth: Reauthentication

  beforeEach(() => {
    api = fakeAuthApi()
    auth = authOf(createAppStore(api))
    auth.setSession(session('old'))
    prompt = createSignInPrompt()
    router = fakeRouter()
    channel = { post: vi.fn<AuthChannel['post']>() }
    notifier = { notify: vi.fn<Notifier['notify']>() }
    reauth = createReauthentication({ auth, prompt, router, channel, notifier })
  })

  async function signIn(user = alice) {
    api.login.mockResolvedValueOnce(session('again', user))
    await auth.login({ username: user.username, password: 'pw' })
    prompt.answer({ kind: 'signed-in', user })
  }

  describe('when the session ended', () => {
    it('keeps the user on screen, drops the token and asks with the username prefilled', () => {
      void reauth.sessionEnded()
      expect(prompt.current.value).toEqual({ reason: 'ended', username: 'alice' })
      expect(auth.token).toBeNull()
      expect(auth.user).toEqual(alice)
      expect(router.replace).not.toHaveBeenCalled()
    })

    it('the same user signing in: same-user, and the other tabs hear of it', async () => {
      const outcome = reauth.sessionEnded()
      await signIn()
      await expect(outcome).resolves.toBe('same-user')
      expect(channel.post).toHaveBeenCalledWith('login')
      expect(router.replace).not.toHaveBeenCalled()
    })

    it('someone else signing in: other-user, and the dashboard opens for them', async () => {
      const outcome = reauth.sessionEnded()
      await signIn(bob)
      await expect(outcome).resolves.toBe('other-user')
      expect(router.replace).toHaveBeenCalledWith({ name: 'overview' })
    })

    it('Cancel: cleared, and the login page once with ?redirect=', async () => {
      const outcomes = [reauth.sessionEnded(), reauth.sessionEnded()]
      prompt.answer({ kind: 'cancelled' })
      await expect(Promise.all(outcomes)).resolves.toEqual(['ended', 'ended'])
      expect(auth.user).toBeNull()
      expect(router.replace).toHaveBeenCalledTimes(1)
      expect(router.replace).toHaveBeenCalledWith({ name: 'login', query: { redirect: '/notes?x=1', reason: 'ended' } })
    })

    it('signed out in another tab meanwhile: ended, and no navigation of its own', async () => {
      const outcome = reauth.sessionEnded()
      reauth.abandon()
      await expect(outcome).resolves.toBe('ended')
      expect(router.replace).not.toHaveBeenCalled()
    })

    it('on a public page: no dialog, cleared at once with one notice', async () => {
      router.currentRoute.value = { fullPath: '/404', meta: { public: true } } as RouteLocationNormalizedLoaded
      await expect(reauth.sessionEnded()).resolves.toBe('ended')
      expect(prompt.isOpen).toBe(false)
      expect(auth.user).toBeNull()
      expect(notifier.notify).toHaveBeenCalledTimes(1)
    })
  })

  describe('signing in again early, before the absolute end', () => {
    it('Cancel keeps the session as it was', async () => {
      const outcome = reauth.signInEarly()
      expect(prompt.current.value?.reason).toBe('ending-soon')
      prompt.answer({ kind: 'cancelled' })
      await expect(outcome).resolves.toBe('kept')
      expect(auth.token).toBe('old')
      expect(router.replace).not.toHaveBeenCalled()
    })

    it('signing in starts the new session', async () => {
      const outcome = reauth.signInEarly()
      await signIn()
      await expect(outcome).resolves.toBe('same-user')
      expect(auth.token).toBe('again')
    })

    it('if the session ends while the dialog is open, it becomes the "ended" dialog and Cancel leaves', async () => {
      const early = reauth.signInEarly()
      const ended = reauth.sessionEnded()
      expect(prompt.current.value?.reason).toBe('ended')
      prompt.answer({ kind: 'cancelled' })
      await expect(ended).resolves.toBe('ended')
      await expect(early).resolves.toBe('ended')
      expect(router.replace).toHaveBeenCalledTimes(1)
    })
  })

  describe('following a sign-in in another tab', () => {
    it('answers an open dialog with the session from the shared cookie', async () => {
      const outcome = reauth.sessionEnded()
      api.refresh.mockResolvedValueOnce(session('from-other-tab'))
      await reauth.followSignIn()
      await expect(outcome).resolves.toBe('same-user')
      expect(auth.token).toBe('from-other-tab')
      // That tab already told everyone.
      expect(channel.post).not.toHaveBeenCalled()
    })

    it('a signed-in tab moves onto the new session; someone else’s opens the dashboard afresh', async () => {
      api.refresh.mockResolvedValueOnce(session('same', alice)).mockResolvedValueOnce(session('bobs', bob))
      await reauth.followSignIn()
      expect(auth.token).toBe('same')
      expect(router.replace).not.toHaveBeenCalled()
      await reauth.followSignIn()
      await flushPromises()
      expect(auth.user).toEqual(bob)
      expect(router.replace).toHaveBeenCalledWith({ name: 'overview' })
    })

    it('nothing usable in the cookie: nothing changes', async () => {
      api.refresh.mockRejectedValueOnce(apiError(401, 'revoked_token'))
      await reauth.followSignIn()
      expect(auth.token).toBe('old')
      expect(router.replace).not.toHaveBeenCalled()
    })
  })
})
