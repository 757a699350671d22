import { describe, expect, it, vi } from 'vitest'
import { forgetIdleEnd, idleEndsAt } from '../../feedback/idle-end'
import { createProgress } from '../../feedback/progress'
import { createAppStore } from '../../store'
import { authOf } from '../../session-lifecycle/auth-access'
import { fakeHttp } from '../../testing/fake-server'
import { fakeAuthApi, session } from '../../testing/fakes'
import { installInterceptors } from '.'

describe('the installed interceptors', () => {
  it("an answer that says when the session ends for inactivity is heard, refusals too; one that does not changes nothing", async () => {
    forgetIdleEnd()
    const auth = authOf(createAppStore(fakeAuthApi()))
    const { http } = fakeHttp((config) =>
      config.url === '/setup'
        ? { status: 200, data: {} }
        : { status: config.url === '/refused' ? 403 : 200, data: {}, headers: { 'x-session-idle-ends-in': '120000' } },
    )
    installInterceptors(http, { auth, lifecycle: { noteSent: vi.fn(), renewBefore: vi.fn(), recoverFrom: vi.fn(), sentForCurrentUser: vi.fn() }, stepUpPrompt: { ask: vi.fn() }, notifier: { notify: vi.fn() }, progress: createProgress() })

    await http.get('/setup')
    expect(idleEndsAt.value).toBeNull()

    auth.setSession(session('t'))
    const before = Date.now()
    await http.get('/refused').catch(() => undefined)
    expect(idleEndsAt.value).toBeGreaterThanOrEqual(before + 120_000)
  })
})
