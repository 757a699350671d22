import { describe, expect, it, vi } from 'vitest'
import { lastApiActivity, markApiActivity } from '../../feedback/activity'
import { createProgress } from '../../feedback/progress'
import { createAppStore } from '../../store'
import { authOf } from '../../session-lifecycle/auth-access'
import { fakeHttp } from '../../testing/fake-server'
import { fakeAuthApi, session } from '../../testing/fakes'
import { installInterceptors } from '.'

describe('the installed interceptors', () => {
  it('an answer to a request that carried the token restarts the idle clock; one without a token does not', async () => {
    const auth = authOf(createAppStore(fakeAuthApi()))
    const { http } = fakeHttp(() => ({ status: 200, data: {} }))
    installInterceptors(http, { auth, lifecycle: { noteSent: vi.fn(), renewBefore: vi.fn(), recoverFrom: vi.fn() }, notifier: { notify: vi.fn() }, progress: createProgress() })

    markApiActivity(1000)
    await http.get('/setup')
    expect(lastApiActivity.value).toBe(1000)

    auth.setSession(session('t'))
    await http.get('/notes')
    expect(lastApiActivity.value).toBeGreaterThan(1000)
  })
})
