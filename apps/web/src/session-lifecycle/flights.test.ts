import { shallowRef } from 'vue'
import { flushPromises } from '@vue/test-utils'
import { beforeEach, describe, expect, it, vi } from 'vitest'
import type { RouteLocationNormalizedLoaded, Router } from 'vue-router'
import { AxiosHeaders, type InternalAxiosRequestConfig } from 'axios'
import { TOKEN_HEADER } from '@tokenauth/shared'
import type { Notifier } from '../feedback/toasts'
import { createAppStore, type AppStore } from '../store'
import { alice, apiError, bob, deferred, fakeAuthApi, session, sessionView } from '../testing/fakes'
import { authOf, type Auth } from './auth-access'
import { createSessionLifecycle, type SessionLifecycle } from './lifecycle'
import { createSignInPrompt, type SignInPrompt } from './sign-in-prompt'

/** The session lifecycle's in-flight state: in the store, reset by sign-out, single-flight still. */
describe('what is in flight', () => {
  let api: ReturnType<typeof fakeAuthApi>
  let store: AppStore
  let auth: Auth
  let prompt: SignInPrompt
  let lifecycle: SessionLifecycle

  beforeEach(() => {
    api = fakeAuthApi()
    store = createAppStore(api)
    auth = authOf(store)
    auth.setSession(session('old'))
    prompt = createSignInPrompt()
    const router = {
      currentRoute: shallowRef({ fullPath: '/notes', meta: {} } as RouteLocationNormalizedLoaded),
      replace: vi.fn<Router['replace']>(async () => undefined),
    }
    lifecycle = createSessionLifecycle({ auth, prompt, router, notifier: { notify: vi.fn<Notifier['notify']>() } })
  })

  const inFlight = () => ({ ...store.state.auth.inFlight })
  const nothing = { renewal: false, recovery: false, reauthentication: false }

  function refused(url: string): Promise<InternalAxiosRequestConfig> {
    const config: InternalAxiosRequestConfig = { url, headers: new AxiosHeaders({ [TOKEN_HEADER]: 'old' }) }
    lifecycle.noteSent(config)
    return lifecycle.recoverFrom(apiError(401, 'expired_token', config), config)
  }

  it('N requests refused at once: one renewal, shown in the store while it runs, and each retried', async () => {
    const refresh = deferred<ReturnType<typeof session>>()
    api.refresh.mockReturnValue(refresh.promise)
    const retries = ['/a', '/b', '/c', '/d', '/e'].map(refused)
    expect(inFlight()).toEqual({ renewal: true, recovery: true, reauthentication: false })
    refresh.resolve(session('new'))
    const again = await Promise.all(retries)
    expect(api.refresh).toHaveBeenCalledTimes(1)
    expect(again.map((config) => config.recovery)).toEqual(['renewed', 'renewed', 'renewed', 'renewed', 'renewed'])
    expect(auth.token).toBe('new')
    expect(inFlight()).toEqual(nothing)
  })

  it('sign-out ends the renewal in flight: its late answer does not sign back in, and the next renewal is a new request', async () => {
    const late = deferred<ReturnType<typeof session>>()
    api.refresh.mockReturnValueOnce(late.promise)
    const renewing = auth.renew()
    expect(inFlight().renewal).toBe(true)
    await auth.logout()
    expect(inFlight()).toEqual(nothing)

    api.refresh.mockResolvedValueOnce(session('after'))
    await expect(auth.renew()).resolves.toBe('after')
    expect(api.refresh).toHaveBeenCalledTimes(2)
    late.resolve(session('late', bob))
    await expect(renewing).rejects.toThrow()
    expect(auth.token).toBe('after')
    expect(auth.user).toEqual(alice)
  })

  it('sign-out forgets the session read: the next sign-in reads afresh', async () => {
    const answer = deferred<ReturnType<typeof sessionView>>()
    api.getSession.mockReturnValueOnce(answer.promise)
    await auth.login({ username: 'alice', password: 'pw' })
    expect(store.state.auth.sessionRead).toEqual({ signIn: 1, inFlight: true, shared: true })
    await auth.logout()
    expect(store.state.auth.sessionRead).toBeNull()

    await auth.login({ username: 'alice', password: 'pw' })
    expect(api.getSession).toHaveBeenCalledTimes(2)
    answer.resolve(sessionView('2030-01-01T01:00:00.000Z'))
    await flushPromises()
    // The answer for the session before is not this one's.
    expect(auth.absoluteExpiresAt).toBe('2030-01-01T12:00:00.000Z')
    expect(store.state.auth.sessionRead).toEqual({ signIn: 2, inFlight: false, shared: true })
  })

  it('signed out in another tab while the sign-in-again dialog is open: nothing stays in flight, and the next ended session asks anew', async () => {
    api.refresh.mockRejectedValue(apiError(401, 'revoked_token'))
    const retries = ['/a', '/b', '/c'].map(refused)
    await vi.waitFor(() => expect(prompt.isOpen).toBe(true))
    expect(inFlight()).toEqual({ renewal: false, recovery: true, reauthentication: true })

    lifecycle.followSignOut()
    expect(inFlight()).toEqual(nothing)
    expect(auth.recovery()).toBeUndefined()
    expect(auth.reauthentication()).toBeUndefined()
    for (const retry of retries) await expect(retry).rejects.toBeTruthy()
    expect(api.refresh).toHaveBeenCalledTimes(1)

    // Signed in again, the session ends again: a new dialog, not the old flight.
    api.login.mockResolvedValueOnce(session('again', alice))
    await auth.login({ username: 'alice', password: 'pw' })
    const ended = lifecycle.sessionEnded()
    expect(inFlight().reauthentication).toBe(true)
    expect(prompt.isOpen).toBe(true)
    prompt.answer({ kind: 'cancelled' })
    await expect(ended).resolves.toBe('ended')
    expect(inFlight()).toEqual(nothing)
  })
})
