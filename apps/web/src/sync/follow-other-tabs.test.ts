import { flushPromises } from '@vue/test-utils'
import { beforeEach, describe, expect, it, vi } from 'vitest'
import { createMemoryHistory, type Router } from 'vue-router'
import { createAppRouter } from '../router'
import { createSessionLifecycle } from '../session-lifecycle/lifecycle'
import { createSignInPrompt, type SignInPrompt } from '../session-lifecycle/sign-in-prompt'
import { createAppStore } from '../store'
import { authOf, type Auth } from '../session-lifecycle/auth-access'
import { alice, bob, fakeAuthApi, session } from '../testing/fakes'
import { stubbedRoutes } from '../testing/routes'
import type { AuthChannel, AuthEvent } from './auth-channel'
import { followOtherTabs } from './follow-other-tabs'

function fakeChannel() {
  const listeners = new Set<(event: AuthEvent) => void>()
  const channel: AuthChannel = {
    post: vi.fn(),
    subscribe: (listener) => (listeners.add(listener), () => listeners.delete(listener)),
    close: () => listeners.clear(),
  }
  return { channel, hear: (type: AuthEvent['type']) => listeners.forEach((l) => l({ type, at: Date.now() })) }
}

describe('following the other tabs', () => {
  let api: ReturnType<typeof fakeAuthApi>
  let auth: Auth
  let router: Router
  let tabs: ReturnType<typeof fakeChannel>
  let prompt: SignInPrompt
  let lifecycle: ReturnType<typeof createSessionLifecycle>

  beforeEach(() => {
    api = fakeAuthApi()
    auth = authOf(createAppStore(api))
    router = createAppRouter(createMemoryHistory(), stubbedRoutes())
    tabs = fakeChannel()
    prompt = createSignInPrompt()
    lifecycle = createSessionLifecycle({ auth, prompt, router, notifier: { notify: vi.fn() } })
    followOtherTabs(tabs.channel, lifecycle)
  })

  it('a sign-out elsewhere clears this tab and shows the login page, keeping where it was', async () => {
    auth.setSession(session('t'))
    await router.push('/notes?x=1')
    tabs.hear('logout')
    await flushPromises()
    expect(auth.token).toBeNull()
    expect(router.currentRoute.value.name).toBe('login')
    expect(router.currentRoute.value.query.redirect).toBe('/notes?x=1')
    expect(api.logout).not.toHaveBeenCalled()
  })

  it('a sign-out elsewhere while the sign-in dialog is open closes it and goes straight to the login page', async () => {
    auth.setSession(session('t'))
    await router.push('/notes')
    const outcome = lifecycle.sessionEnded()
    expect(prompt.isOpen).toBe(true)
    tabs.hear('logout')
    await expect(outcome).resolves.toBe('ended')
    await flushPromises()
    expect(prompt.isOpen).toBe(false)
    expect(router.currentRoute.value.fullPath).toBe('/login?redirect=/notes&reason=signed-out')
  })

  it('a sign-in elsewhere lets a tab on the login page pick up the shared session', async () => {
    api.refresh.mockResolvedValueOnce(session('shared', alice))
    await router.push('/login?redirect=%2Fsession')
    tabs.hear('login')
    await flushPromises()
    expect(auth.token).toBe('shared')
    expect(router.currentRoute.value.fullPath).toBe('/session')
  })

  it('a sign-in elsewhere answers this tab’s open dialog with the shared session', async () => {
    auth.setSession(session('t'))
    await router.push('/notes')
    const outcome = lifecycle.sessionEnded()
    api.refresh.mockResolvedValueOnce(session('shared', alice))
    tabs.hear('login')
    await expect(outcome).resolves.toBe('same-user')
    expect(prompt.isOpen).toBe(false)
    expect(auth.token).toBe('shared')
  })

  it('a sign-in as someone else elsewhere takes a signed-in tab to the dashboard afresh', async () => {
    auth.setSession(session('t'))
    await router.push('/notes')
    api.refresh.mockResolvedValueOnce(session('bobs', bob))
    tabs.hear('login')
    await flushPromises()
    expect(auth.user).toEqual(bob)
    expect(router.currentRoute.value.name).toBe('overview')
  })
})
