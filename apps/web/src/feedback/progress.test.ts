import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { createProgress } from './progress'

describe('progress', () => {
  beforeEach(() => vi.useFakeTimers())
  afterEach(() => vi.useRealTimers())

  it('shows nothing for quick work', () => {
    const progress = createProgress()
    const done = progress.start(300)
    vi.advanceTimersByTime(200)
    done()
    vi.advanceTimersByTime(500)
    expect(progress.visible.value).toBe(false)
  })

  it('shows the bar for slow work until the last piece is done', () => {
    const progress = createProgress()
    const first = progress.start(300)
    const second = progress.start(300)
    vi.advanceTimersByTime(300)
    expect(progress.visible.value).toBe(true)
    first()
    first()
    expect(progress.visible.value).toBe(true)
    second()
    expect(progress.visible.value).toBe(false)
  })
})
