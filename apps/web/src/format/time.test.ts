import { afterEach, describe, expect, it } from 'vitest'
import { setLocale } from '../i18n'
import { formatDateTime, formatRelative } from './time'

const at = '2026-03-04T05:06:00Z'
const now = Date.parse(at) + 29 * 60_000

describe('dates and relative times follow the app language, not the browser', () => {
  afterEach(() => setLocale('en'))

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

  it('leaves text that is not a date as it is', () => {
    expect(formatDateTime('soon')).toBe('soon')
  })
})
