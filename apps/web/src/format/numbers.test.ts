import { afterEach, describe, expect, it, vi } from 'vitest'
import { setLocale } from '../i18n'
import { formatList, formatNumber } from './numbers'

describe('lists and numbers in the language and region', () => {
  afterEach(() => {
    setLocale('en')
    vi.restoreAllMocks()
  })

  it('joins a list with the language\'s own marks', () => {
    setLocale('en')
    expect(formatList(['admin', 'editor'])).toBe('admin and editor')
    setLocale('zh-CN')
    expect(formatList(['admin', 'editor', 'viewer'])).toBe('admin、editor和viewer')
  })

  it("groups digits as the browser's region does", () => {
    vi.spyOn(navigator, 'languages', 'get').mockReturnValue(['en-IN'])
    setLocale('en')
    expect(formatNumber(100000)).toBe('1,00,000')
    vi.spyOn(navigator, 'languages', 'get').mockReturnValue(['en-US'])
    expect(formatNumber(100000)).toBe('100,000')
  })
})
