import { flushPromises } from '@vue/test-utils'
import { beforeEach, describe, expect, it } from 'vitest'
import { createMemoryHistory, type Router } from 'vue-router'
import { createAppRouter } from '../router'
import { createAppStore } from '../store'
import { authOf, type Auth } from '../store/modules/auth'
import { alice, fakeAuthApi, session } from '../testing/fakes'
import { stubbedRoutes } from '../testing/routes'
import type { AuthChannel, AuthEvent } from './auth-channel'
import { followOtherTabs } from './follow-other-tabs'

function fakeChannel() {
  const listeners = new Set<(event: AuthEvent) => void>()
  const channel: AuthChannel = {
    post: () => undefined,
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

  beforeEach(() => {
    api = fakeAuthApi()
    auth = authOf(createAppStore(api))
    router = createAppRouter(createMemoryHistory(), stubbedRoutes())
    tabs = fakeChannel()
    followOtherTabs(tabs.channel, auth, router)
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

  it('a sign-in elsewhere lets a tab on the login page pick up the shared session', async () => {
    api.refresh.mockResolvedValueOnce(session('shared', alice))
    await router.push('/login?redirect=%2Fsession')
    tabs.hear('login')
    await flushPromises()
    expect(auth.token).toBe('shared')
    expect(router.currentRoute.value.fullPath).toBe('/session')
  })
})
