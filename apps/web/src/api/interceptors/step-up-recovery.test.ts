import { shallowRef } from 'vue'
import { describe, expect, it, vi } from 'vitest'
import type { RouteLocationNormalizedLoaded } from 'vue-router'
import type { User } from '@tokenauth/shared'
import { createSessionLifecycle } from '../../session-lifecycle/lifecycle'
import { createSignInPrompt } from '../../session-lifecycle/sign-in-prompt'
import { createStepUpPrompt } from '../../session-lifecycle/step-up-prompt'
import { createAppStore } from '../../store'
import { authOf } from '../../session-lifecycle/auth-access'
import { alice, bob, fakeAuthApi, session } from '../../testing/fakes'
import { errorBody, fakeHttp, type FakeAnswer } from '../../testing/fake-server'
import { isHandledGlobally } from '../errors'
import { createSignInRecovery } from './sign-in-recovery'
import { createStepUpRecovery } from './step-up-recovery'
import { createTokenInterceptor } from './token'

/**
 * The real store (fake API), the real session lifecycle and step-up prompt, and the
 * interceptors in the order the app installs them: step-up, then sign-in recovery.
 */
function harness(answer: (url: string, token: string | null, replay: boolean) => FakeAnswer) {
  const api = fakeAuthApi()
  const auth = authOf(createAppStore(api))
  auth.setSession(session('old'))
  const router = { currentRoute: shallowRef({ fullPath: '/users', meta: {} } as RouteLocationNormalizedLoaded), replace: vi.fn(async () => undefined) }
  const lifecycle = createSessionLifecycle({ auth, prompt: createSignInPrompt(), router, notifier: { notify: vi.fn() } })
  const prompt = createStepUpPrompt()
  const ask = vi.spyOn(prompt, 'ask')
  const { http, seen } = fakeHttp((config, token) => answer(config.url ?? '', token, config.stepUp === 'replayed'))
  http.interceptors.request.use(createTokenInterceptor(() => auth.token, lifecycle.noteSent))
  http.interceptors.response.use(
    undefined,
    createStepUpRecovery({ prompt, currentUserId: () => auth.user?.id ?? null, sentForCurrentUser: (config) => lifecycle.sentForCurrentUser(config), retry: (config) => http.request(config) }),
  )
  http.interceptors.response.use(undefined, createSignInRecovery({ lifecycle, retry: (config) => http.request(config) }))

  /** What the dialog does on a right proof: the store gets the fresh token, the prompt the answer. */
  async function confirmInDialog(token: string, user: User = alice): Promise<void> {
    await vi.waitFor(() => expect(prompt.isOpen).toBe(true))
    api.stepUp.mockResolvedValueOnce(session(token, user))
    await auth.stepUp({ password: 'pw' })
    prompt.answer({ kind: 'confirmed' })
  }
  return { api, auth, prompt, ask, http, seen, confirmInDialog }
}

const stepUpRefusal: FakeAnswer = { status: 401, data: errorBody('insufficient_user_authentication') }

describe('the step-up interceptor', () => {
  it('opens the dialog on insufficient_user_authentication, then replays the request once with the fresh token and resolves with its answer', async () => {
    const h = harness((_url, token) => (token === 'fresh' ? { status: 200, data: { ended: 2 } } : stepUpRefusal))
    const disabling = h.http.post('/users/2/disable')
    await h.confirmInDialog('fresh')
    const response = await disabling
    expect(response.data).toEqual({ ended: 2 })
    expect(h.seen.map((config) => [config.url, config.headers.get('token')])).toEqual([
      ['/users/2/disable', 'old'],
      ['/users/2/disable', 'fresh'],
    ])
    expect(h.auth.token).toBe('fresh')
    expect(h.api.refresh).not.toHaveBeenCalled()
  })

  it('several refused requests share one dialog, and each is replayed once', async () => {
    const h = harness((url, token) => (token === 'fresh' ? { status: 200, data: { url } } : stepUpRefusal))
    const both = Promise.all([h.http.post('/a'), h.http.delete('/b')])
    await h.confirmInDialog('fresh')
    expect((await both).map((r) => r.data)).toEqual([{ url: '/a' }, { url: '/b' }])
    expect(h.ask).toHaveBeenCalledTimes(2)
    expect(h.seen).toHaveLength(4)
  })

  it('Cancel rejects with the request’s own error, marked as told (no toast), and replays nothing', async () => {
    const h = harness(() => stepUpRefusal)
    const refused = h.http.post('/users/2/disable').catch((error: unknown) => error)
    await vi.waitFor(() => expect(h.prompt.isOpen).toBe(true))
    h.prompt.answer({ kind: 'cancelled' })
    const error = await refused
    expect(isHandledGlobally(error)).toBe(true)
    expect(h.seen).toHaveLength(1)
    expect(h.auth.token).toBe('old')
  })

  it('a replay refused again is the answer: no second dialog', async () => {
    const h = harness(() => stepUpRefusal)
    const refused = h.http.post('/users/2/disable').catch((error: unknown) => error)
    await h.confirmInDialog('fresh')
    const error = await refused
    expect(error).toMatchObject({ response: { status: 401 } })
    expect(h.ask).toHaveBeenCalledTimes(1)
    expect(h.seen).toHaveLength(2)
  })

  it('never replays for another user: a request sent for alice after bob signed in here is not asked for, nor sent again', async () => {
    let meanwhile = () => {}
    const h = harness(() => {
      meanwhile()
      return stepUpRefusal
    })
    // Bob signs in (another tab, say) while alice's request is with the server.
    meanwhile = () => h.auth.setSession(session('bobs', bob))
    const refused = h.http.post('/users/2/disable').catch((error: unknown) => error)
    const error = await refused
    expect(error).toMatchObject({ response: { status: 401 } })
    expect(h.ask).not.toHaveBeenCalled()
    expect(h.seen).toHaveLength(1)
  })

  it('someone else signed in while the dialog was open: the request fails, quietly, and is not replayed', async () => {
    const h = harness(() => stepUpRefusal)
    const refused = h.http.post('/users/2/disable').catch((error: unknown) => error)
    await vi.waitFor(() => expect(h.prompt.isOpen).toBe(true))
    h.auth.setSession(session('bobs', bob))
    h.prompt.answer({ kind: 'confirmed' })
    expect(isHandledGlobally(await refused)).toBe(true)
    expect(h.seen).toHaveLength(1)
  })

  it('leaves other 401s to the session lifecycle (renewal through the cookie)', async () => {
    const h = harness((_url, token) => (token === 'renewed' ? { status: 200, data: 'ok' } : { status: 401, data: errorBody('expired_token') }))
    h.api.refresh.mockResolvedValueOnce(session('renewed'))
    expect((await h.http.get('/notes')).data).toBe('ok')
    expect(h.ask).not.toHaveBeenCalled()
  })

  it('the store refuses a step-up answered for someone else', async () => {
    const h = harness(() => stepUpRefusal)
    h.api.stepUp.mockResolvedValueOnce(session('bobs', bob))
    await expect(h.auth.stepUp({ password: 'pw' })).rejects.toThrow()
    expect(h.auth.token).toBe('old')
  })
})
