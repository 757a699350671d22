import { afterEach, describe, expect, it, vi } from 'vitest'
import { setLocale } from '../i18n'
import { formatDateTime, formatRelative } from './time'

const at = '2026-03-04T05:06:00Z'
const now = Date.parse(at) + 29 * 60_000

describe("dates and relative times follow the app language, in the browser's region", () => {
  afterEach(() => {
    setLocale('en')
    vi.restoreAllMocks()
  })

  it('in English', () => {
    setLocale('en')
    expect(formatRelative(at, now)).toBe('29 minutes ago')
    expect(formatDateTime(at)).toMatch(/2026/)
    expect(formatDateTime(at)).toMatch(/Mar/)
  })

  it('in Chinese', () => {
    setLocale('zh-CN')
    expect(formatRelative(at, now)).toBe('29分钟前')
    expect(formatDateTime(at)).toMatch(/2026年3月4日/)
  })

  it('in British English: day before month, 24-hour clock', () => {
    vi.spyOn(navigator, 'languages', 'get').mockReturnValue(['en-GB', 'en'])
    setLocale('en')
    expect(formatDateTime(at)).toBe(new Intl.DateTimeFormat('en-GB', { dateStyle: 'medium', timeStyle: 'short' }).format(Date.parse(at)))
    expect(formatDateTime(at)).toMatch(/^4 Mar 2026/)
  })

  it('in Chinese for a browser that prefers another language first', () => {
    vi.spyOn(navigator, 'languages', 'get').mockReturnValue(['en-GB', 'zh-CN'])
    setLocale('zh-CN')
    expect(formatDateTime(at)).toMatch(/2026年3月4日/)
  })

  it('leaves text that is not a date as it is', () => {
    expect(formatDateTime('soon')).toBe('soon')
  })
})
