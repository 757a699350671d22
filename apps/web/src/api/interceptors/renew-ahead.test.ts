import { shallowRef } from 'vue'
import { describe, expect, it, vi } from 'vitest'
import type { RouteLocationNormalizedLoaded } from 'vue-router'
import { TOKEN_HEADER } from '@tokenauth/shared'
import { createSessionLifecycle } from '../../session-lifecycle/lifecycle'
import { createSignInPrompt } from '../../session-lifecycle/sign-in-prompt'
import { createAppStore } from '../../store'
import { authOf } from '../../session-lifecycle/auth-access'
import { alice, apiError, fakeAuthApi, session } from '../../testing/fakes'
import { errorBody, fakeHttp } from '../../testing/fake-server'
import { createRenewAhead } from './renew-ahead'
import { createSignInRecovery } from './sign-in-recovery'
import { createTokenInterceptor } from './token'

const NOW = Date.parse('2030-01-01T10:00:00.000Z')
const at = (offsetMs: number) => new Date(NOW + offsetMs).toISOString()

/** The request chain as installed (renew ahead → token), with the 401 path behind it; the server refuses stale tokens. */
function harness(expiresInMs: number, now = () => NOW) {
  const api = fakeAuthApi()
  const auth = authOf(createAppStore(api))
  auth.setSession({ ...session('old'), expiresAt: at(expiresInMs) })
  const prompt = createSignInPrompt()
  const router = { currentRoute: shallowRef({ fullPath: '/notes', meta: {} } as RouteLocationNormalizedLoaded), replace: vi.fn(async () => undefined) }
  const lifecycle = createSessionLifecycle({ auth, prompt, router, notifier: { notify: vi.fn() } })
  const { http, seen } = fakeHttp((config, token) =>
    token === 'old' || token === null ? { status: 401, data: errorBody('expired_token') } : { status: 200, data: { url: config.url } },
  )
  http.interceptors.request.use(createTokenInterceptor(() => auth.token, lifecycle.noteSent))
  http.interceptors.request.use(createRenewAhead(auth, lifecycle, now))
  http.interceptors.response.use(undefined, createSignInRecovery({ lifecycle, retry: (c) => http.request(c) }))
  return { api, auth, prompt, http, seen }
}

describe('renewing the token ahead of a request', () => {
  it('renews once for a burst of requests when the token is about to expire, and none of them gets a 401', async () => {
    const h = harness(-1)
    h.api.refresh.mockImplementation(async () => ({ ...session('new'), expiresAt: at(15 * 60_000) }))

    const responses = await Promise.all(['/a', '/b', '/c', '/d'].map((url) => h.http.get(url)))

    expect(responses.map((r) => r.status)).toEqual([200, 200, 200, 200])
    expect(h.api.refresh).toHaveBeenCalledTimes(1)
    expect(h.seen.map((config) => config.headers.get(TOKEN_HEADER))).toEqual(['new', 'new', 'new', 'new'])
  })

  it('leaves a token with time to spare alone', async () => {
    const h = harness(10 * 60_000)
    h.api.refresh.mockResolvedValue(session('new'))
    // This fake server refuses "old" anyway: the 401 path renews, not the interceptor ahead of it.
    await expect(h.http.get('/a')).resolves.toMatchObject({ status: 200 })
    expect(h.seen.map((config) => config.headers.get(TOKEN_HEADER))).toEqual(['old', 'new'])
  })

  it('never renews ahead of login, refresh or setup (refresh would wait for itself)', async () => {
    const h = harness(-1)
    await h.http.post('/auth/login', {}, { authEndpoint: 'tokenless' }).catch(() => undefined)
    expect(h.api.refresh).not.toHaveBeenCalled()
  })

  it('renews ahead of logout too: an expired token could not end the server session', async () => {
    const h = harness(-1)
    h.api.refresh.mockResolvedValue({ ...session('new'), expiresAt: at(15 * 60_000) })
    await h.http.post('/auth/logout', undefined, { authEndpoint: 'needs-token' })
    expect(h.api.refresh).toHaveBeenCalledTimes(1)
    expect(h.seen[0]?.headers.get(TOKEN_HEADER)).toBe('new')
  })

  it('a refused renewal lets the request go, and the 401 path does not ask the cookie a second time', async () => {
    const h = harness(-1)
    h.api.refresh.mockRejectedValue(apiError(401, 'revoked_token'))

    const request = h.http.get('/a')
    await vi.waitFor(() => expect(h.prompt.isOpen).toBe(true))
    expect(h.api.refresh).toHaveBeenCalledTimes(1)
    h.prompt.answer({ kind: 'cancelled' })
    await expect(request).rejects.toBeTruthy()
    expect(h.api.refresh).toHaveBeenCalledTimes(1)
  })

  it('stops for good when a fresh token already looks expired (this clock is off); the 401 path takes over', async () => {
    const h = harness(-1)
    // The server's clock is an hour behind this one: every token it signs looks expired here.
    h.api.refresh.mockImplementation(async () => ({ ...session(`new-${h.api.refresh.mock.calls.length}`), expiresAt: at(-60 * 60_000) }))

    await h.http.get('/a')
    await h.http.get('/b')
    await h.http.get('/c')
    expect(h.api.refresh).toHaveBeenCalledTimes(1)
    expect(h.auth.user).toEqual(alice)
  })
})
