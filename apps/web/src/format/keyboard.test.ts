import { afterEach, describe, expect, it, vi } from 'vitest'
import { keyboardShortcut } from './keyboard'

/** A page whose `(any-pointer: fine)` query answers `fine`. */
function pointer(fine: boolean): void {
  vi.spyOn(window, 'matchMedia').mockImplementation((query) => ({ ...new EventTarget(), matches: fine && query === '(any-pointer: fine)', media: query, onchange: null, addListener: () => {}, removeListener: () => {} }) as unknown as MediaQueryList)
}

describe('keyboardShortcut', () => {
  afterEach(() => vi.restoreAllMocks())

  it('names the keys where there is a mouse or trackpad', () => {
    pointer(true)
    vi.spyOn(navigator, 'platform', 'get').mockReturnValue('Linux x86_64')
    expect(keyboardShortcut('Enter')).toBe('Ctrl+Enter')
    vi.spyOn(navigator, 'platform', 'get').mockReturnValue('MacIntel')
    expect(keyboardShortcut('Enter')).toBe('⌘+Enter')
  })

  it('says nothing on a touch screen alone', () => {
    pointer(false)
    expect(keyboardShortcut('Enter')).toBeNull()
  })
})
