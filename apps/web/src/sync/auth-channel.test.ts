import { describe, expect, it, vi } from 'vitest'
import { AUTH_EVENT_STORAGE_KEY, createAuthChannel } from './auth-channel'

describe('auth channel', () => {
  it('tells other tabs through a BroadcastChannel', async () => {
    const sender = createAuthChannel()
    const receiver = createAuthChannel()
    const heard = new Promise((resolve) => receiver.subscribe(resolve))
    sender.post('logout')
    await expect(heard).resolves.toMatchObject({ type: 'logout' })
    sender.close()
    receiver.close()
  })

  it('falls back to a storage event that leaves nothing (and no secret) behind', () => {
    // defineProperties, not assignment: the window's own accessors (localStorage) have no setter.
    const fallbackWindow = Object.defineProperties(Object.create(window) as Window & typeof globalThis, {
      BroadcastChannel: { value: undefined },
      addEventListener: { value: window.addEventListener.bind(window) },
      removeEventListener: { value: window.removeEventListener.bind(window) },
      localStorage: { value: window.localStorage },
    })
    const setItem = vi.spyOn(window.localStorage, 'setItem')
    const channel = createAuthChannel(fallbackWindow)
    const listener = vi.fn()
    channel.subscribe(listener)

    channel.post('logout')
    expect(setItem).toHaveBeenCalledTimes(1)
    const [key, written = ''] = setItem.mock.calls[0] ?? []
    expect(key).toBe(AUTH_EVENT_STORAGE_KEY)
    expect(Object.keys(JSON.parse(written))).toEqual(['type', 'at'])
    expect(window.localStorage.getItem(AUTH_EVENT_STORAGE_KEY)).toBeNull()

    // Another tab's write arrives as a storage event.
    window.dispatchEvent(new StorageEvent('storage', { key: AUTH_EVENT_STORAGE_KEY, newValue: written }))
    expect(listener).toHaveBeenCalledWith(expect.objectContaining({ type: 'logout' }))
    window.dispatchEvent(new StorageEvent('storage', { key: AUTH_EVENT_STORAGE_KEY, newValue: '{"type":"pwned"}' }))
    expect(listener).toHaveBeenCalledTimes(1)
    channel.close()
  })
})
