import { flushPromises, mount } from '@vue/test-utils'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { SESSION_END_WARNING_MS } from '../../composables/useSessionEndWarning'
import { sessionLifecycleKey } from '../../session-lifecycle/lifecycle'
import { createAppStore, storeKey } from '../../store'
import { authOf } from '../../session-lifecycle/auth-access'
import { commitAuth } from '../../store/typed-store'
import { fakeAuthApi, session } from '../../testing/fakes'
import SessionEndWarning from './SessionEndWarning.vue'

const MINUTE = 60_000
const START = Date.parse('2030-01-01T10:00:00.000Z')

function mountWarning(endsInMs: number | null) {
  const store = createAppStore(fakeAuthApi())
  authOf(store).setSession(session('t'))
  commitAuth(store, 'setLifetime', endsInMs === null ? null : new Date(START + endsInMs).toISOString())
  const lifecycle = { signInEarly: vi.fn(async () => 'kept' as const) }
  const wrapper = mount(SessionEndWarning, {
    global: { plugins: [[store, storeKey]], provide: { [sessionLifecycleKey as symbol]: lifecycle } },
  })
  return { wrapper, store, lifecycle }
}

describe('the warning before the session’s absolute end', () => {
  beforeEach(() => {
    vi.useFakeTimers()
    vi.setSystemTime(START)
  })
  afterEach(() => vi.useRealTimers())

  const region = (wrapper: ReturnType<typeof mountWarning>['wrapper']) => wrapper.get('[data-testid="session-end-warning"]')

  it('says nothing while the end is far, then, five minutes before, says when it ends in a polite live region', async () => {
    const { wrapper } = mountWarning(30 * MINUTE)
    expect(region(wrapper).attributes('role')).toBe('status')
    expect(region(wrapper).attributes('aria-live')).toBe('polite')
    expect(region(wrapper).text()).toBe('')
    expect(wrapper.find('button').exists()).toBe(false)

    vi.advanceTimersByTime(30 * MINUTE - SESSION_END_WARNING_MS - 1000)
    await flushPromises()
    expect(region(wrapper).text()).toBe('')

    vi.advanceTimersByTime(1000)
    await flushPromises()
    expect(region(wrapper).text()).toMatch(/^Your session ends at .+\(in 5 minutes\)\. Sign in again now/)
    expect(region(wrapper).get('time').attributes('datetime')).toBe(new Date(START + 30 * MINUTE).toISOString())
    expect(wrapper.get('button').text()).toBe('Sign in again now')
  })

  it('"Sign in again now" opens the sign-in dialog for a new session', async () => {
    const { wrapper, lifecycle } = mountWarning(2 * MINUTE)
    await wrapper.get('button').trigger('click')
    expect(lifecycle.signInEarly).toHaveBeenCalledTimes(1)
  })

  it('says when the session has ended', async () => {
    const { wrapper } = mountWarning(2 * MINUTE)
    vi.advanceTimersByTime(2 * MINUTE)
    await flushPromises()
    expect(region(wrapper).text()).toBe('Your session has ended. Sign in again to carry on.')
  })

  it('can be dismissed, and comes back when the session has actually ended', async () => {
    const { wrapper } = mountWarning(2 * MINUTE)
    await wrapper.findAll('button').find((button) => button.text() === 'Dismiss')?.trigger('click')
    expect(region(wrapper).text()).toBe('')
    vi.advanceTimersByTime(2 * MINUTE)
    await flushPromises()
    expect(region(wrapper).text()).toContain('has ended')
  })

  it('follows a new session: signing in again moves the end, and the warning goes', async () => {
    const { wrapper, store } = mountWarning(2 * MINUTE)
    expect(region(wrapper).text()).not.toBe('')
    commitAuth(store, 'setLifetime', new Date(START + 12 * 60 * MINUTE).toISOString())
    await flushPromises()
    expect(region(wrapper).text()).toBe('')
  })

  it('says nothing while the end is unknown', () => {
    const { wrapper } = mountWarning(null)
    expect(region(wrapper).text()).toBe('')
  })
})
