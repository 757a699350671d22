import { describe, expect, it } from 'vitest'
import { pickLocale } from './locales'

describe('pickLocale', () => {
  it('follows the browser on a first visit: any zh is zh-CN, anything else en', () => {
    expect(pickLocale(null, ['zh-CN', 'en'])).toBe('zh-CN')
    expect(pickLocale(null, ['zh'])).toBe('zh-CN')
    expect(pickLocale(null, ['zh-TW'])).toBe('zh-CN')
    expect(pickLocale(null, ['en-US', 'zh-CN'])).toBe('en')
    expect(pickLocale(null, ['de-DE'])).toBe('en')
    expect(pickLocale(null, ['zhx'])).toBe('en')
    expect(pickLocale(null, [])).toBe('en')
  })

  it('keeps the choice remembered on the device, ignoring anything unknown stored there', () => {
    expect(pickLocale('en', ['zh-CN'])).toBe('en')
    expect(pickLocale('zh-CN', ['en-US'])).toBe('zh-CN')
    expect(pickLocale('fr', ['zh-CN'])).toBe('zh-CN')
  })
})
