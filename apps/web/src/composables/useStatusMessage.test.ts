import { effectScope } from 'vue'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { SUCCESS_SHOWN_MS, useStatusMessage } from './useStatusMessage'

/** The composable inside a scope of its own, as a component would hold it. */
function mounted() {
  const scope = effectScope()
  const status = scope.run(() => useStatusMessage())
  if (!status) throw new Error('the scope did not run')
  return { status, scope }
}

describe('useStatusMessage', () => {
  beforeEach(() => vi.useFakeTimers())
  afterEach(() => vi.useRealTimers())

  it('clears a success after a few seconds, and keeps an error', () => {
    const { status, scope } = mounted()
    status.say('success', 'Note posted.')
    vi.advanceTimersByTime(SUCCESS_SHOWN_MS - 1)
    expect(status.message.value?.text).toBe('Note posted.')
    vi.advanceTimersByTime(1)
    expect(status.message.value).toBeNull()

    status.say('error', 'That note is gone.')
    vi.advanceTimersByTime(SUCCESS_SHOWN_MS * 10)
    expect(status.message.value?.text).toBe('That note is gone.')
    scope.stop()
  })

  it('a newer message is not cleared by an older success’s timer', () => {
    const { status, scope } = mounted()
    status.say('success', 'Note posted.')
    vi.advanceTimersByTime(SUCCESS_SHOWN_MS - 100)
    status.say('success', 'Note deleted.')
    vi.advanceTimersByTime(200)
    expect(status.message.value?.text).toBe('Note deleted.')
    scope.stop()
  })
})
