import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { createToasts } from './toasts'

describe('toasts', () => {
  beforeEach(() => vi.useFakeTimers())
  afterEach(() => vi.useRealTimers())

  it('shows a message and removes it after its timeout', () => {
    const toasts = createToasts(1000)
    toasts.notify({ kind: 'error', text: 'Offline.' })
    expect(toasts.toasts.map((t) => t.text)).toEqual(['Offline.'])
    vi.advanceTimersByTime(1000)
    expect(toasts.toasts).toHaveLength(0)
  })

  it('says the same thing once while it is on screen', () => {
    const toasts = createToasts()
    for (let i = 0; i < 5; i++) toasts.notify({ kind: 'error', text: 'Offline.' })
    expect(toasts.toasts).toHaveLength(1)
  })

  it('keeps at most four, and can be dismissed', () => {
    const toasts = createToasts()
    for (let i = 0; i < 6; i++) toasts.notify({ kind: 'info', text: `n${i}` })
    expect(toasts.toasts.map((t) => t.text)).toEqual(['n2', 'n3', 'n4', 'n5'])
    toasts.dismiss(toasts.toasts[0]?.id ?? -1)
    expect(toasts.toasts).toHaveLength(3)
  })
})
