import { flushPromises, mount } from '@vue/test-utils'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { forgetIdleEnd, noteIdleEnd } from '../../feedback/idle-end'
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
    forgetIdleEnd()
  })
  afterEach(() => vi.useRealTimers())

  let api: ReturnType<typeof fakeAuthApi>
  let store: ReturnType<typeof createAppStore>
  function mountWith(idleMs: number | null) {
    api = fakeAuthApi()
    store = createAppStore(api)
    authOf(store).setSession(session('t'))
    commitAuth(store, 'setIdleTimeout', idleMs)
    return mount(IdleWarning, { global: { plugins: [[store, storeKey]] } })
  }
  const text = (wrapper: ReturnType<typeof mountWith>) => wrapper.get('[data-testid="idle-warning"]').text()

  it("counts to the end the server said, warns two minutes before; \"Stay signed in\" sends a request and the server's new end counts", async () => {
    const wrapper = mountWith(30 * MINUTE)
    noteIdleEnd(30 * MINUTE)
    api.getSession.mockImplementation(async () => {
      noteIdleEnd(30 * MINUTE) // what the response interceptor does with the answer's header
      return sessionView()
    })
    expect(text(wrapper)).toBe('')
    await vi.advanceTimersByTimeAsync(27 * MINUTE)
    expect(text(wrapper)).toBe('')
    await vi.advanceTimersByTimeAsync(1 * MINUTE)
    expect(text(wrapper)).toBe('You will be signed out in 2 minutes for inactivity.')
    await wrapper.get('[data-testid="stay-signed-in"]').trigger('click')
    await flushPromises()
    expect(api.getSession).toHaveBeenCalledTimes(1)
    expect(text(wrapper)).toBe('')
    wrapper.unmount()
  })

  it('a two-minute timeout counts two minutes, not one', async () => {
    const wrapper = mountWith(2 * MINUTE)
    noteIdleEnd(2 * MINUTE)
    await vi.advanceTimersByTimeAsync(1 * MINUTE + 10_000)
    expect(text(wrapper)).toBe('')
    await vi.advanceTimersByTimeAsync(20_000)
    expect(text(wrapper)).toMatch(/^You will be signed out in .+ for inactivity\.$/)
    wrapper.unmount()
  })

  it('at the end asks the server once (its 401 opens the sign-in-again dialog), and says nothing more', async () => {
    const wrapper = mountWith(30 * MINUTE)
    noteIdleEnd(30 * MINUTE)
    api.getSession.mockRejectedValue(new Error('401'))
    await vi.advanceTimersByTimeAsync(30 * MINUTE)
    expect(api.getSession).not.toHaveBeenCalled()
    await vi.advanceTimersByTimeAsync(1_000)
    expect(api.getSession).toHaveBeenCalledTimes(1)
    expect(text(wrapper)).toBe('')
    wrapper.unmount()
  })

  it('a later end (a request here or in another tab) moves the warning; an earlier one does not', async () => {
    const wrapper = mountWith(30 * MINUTE)
    noteIdleEnd(30 * MINUTE)
    await vi.advanceTimersByTimeAsync(20 * MINUTE)
    noteIdleEnd(30 * MINUTE)
    noteIdleEnd(1 * MINUTE)
    await vi.advanceTimersByTimeAsync(9 * MINUTE)
    expect(text(wrapper)).toBe('')
    wrapper.unmount()
  })
})
