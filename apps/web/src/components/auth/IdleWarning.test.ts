import { flushPromises, mount } from '@vue/test-utils'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { markApiActivity } from '../../feedback/activity'
import { createAppStore, storeKey } from '../../store'
import { authOf } from '../../session-lifecycle/auth-access'
import { commitAuth } from '../../store/typed-store'
import { fakeAuthApi, session, sessionView } from '../../testing/fakes'
import IdleWarning from './IdleWarning.vue'

const MINUTE = 60_000
const START = Date.parse('2030-01-01T10:00:00Z')

describe('the warning before the idle timeout', () => {
  beforeEach(() => {
    vi.useFakeTimers({ now: START })
  })
  afterEach(() => vi.useRealTimers())

  let api: ReturnType<typeof fakeAuthApi>
  let store: ReturnType<typeof createAppStore>
  function mountWith(idleMs: number | null) {
    api = fakeAuthApi()
    store = createAppStore(api)
    authOf(store).setSession(session('t'))
    commitAuth(store, 'setIdleTimeout', idleMs)
    markApiActivity(START)
    return mount(IdleWarning, { global: { plugins: [[store, storeKey]] } })
  }
  const text = (wrapper: ReturnType<typeof mountWith>) => wrapper.get('[data-testid="idle-warning"]').text()

  it('says nothing until two minutes before the earliest end, then when; "Stay signed in" sends a request and the clock restarts', async () => {
    const wrapper = mountWith(30 * MINUTE)
    api.getSession.mockImplementation(async () => {
      markApiActivity() // what the response interceptor does for an authenticated answer
      return sessionView()
    })
    expect(text(wrapper)).toBe('')
    // The server may have restarted its idle clock up to a minute before the last answer:
    // the earliest end is 29 minutes after it, so the warning comes at 27.
    await vi.advanceTimersByTimeAsync(26 * MINUTE)
    expect(text(wrapper)).toBe('')
    await vi.advanceTimersByTimeAsync(1 * MINUTE)
    expect(text(wrapper)).toBe('You will be signed out in 2 minutes for inactivity.')
    await wrapper.get('[data-testid="stay-signed-in"]').trigger('click')
    await flushPromises()
    expect(api.getSession).toHaveBeenCalledTimes(1)
    expect(text(wrapper)).toBe('')
    wrapper.unmount()
  })

  it('warns too when the idle timeout becomes known only after it was mounted (the read at sign-in answers later)', async () => {
    const wrapper = mountWith(null)
    commitAuth(store, 'setIdleTimeout', 30 * MINUTE)
    await vi.advanceTimersByTimeAsync(27 * MINUTE)
    expect(text(wrapper)).toBe('You will be signed out in 2 minutes for inactivity.')
    wrapper.unmount()
  })

  it('any authenticated answer restarts it too; without a known idle timeout it stays quiet', async () => {
    const wrapper = mountWith(30 * MINUTE)
    await vi.advanceTimersByTimeAsync(20 * MINUTE)
    markApiActivity()
    await vi.advanceTimersByTimeAsync(9 * MINUTE)
    expect(text(wrapper)).toBe('')
    wrapper.unmount()
    const unknown = mountWith(null)
    await vi.advanceTimersByTimeAsync(60 * MINUTE)
    expect(text(unknown)).toBe('')
    unknown.unmount()
  })
})
