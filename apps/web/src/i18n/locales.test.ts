import { describe, expect, it } from 'vitest'
import { pickLocale, regionalVariant } from './locales'

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

describe('regionalVariant', () => {
  it("takes the browser's first regional variant of the app's language", () => {
    expect(regionalVariant('en', ['en-GB', 'en-US'])).toBe('en-GB')
    expect(regionalVariant('en', ['de-DE', 'en-IN'])).toBe('en-IN')
    expect(regionalVariant('zh-CN', ['en-GB', 'zh-SG'])).toBe('zh-SG')
  })

  it('keeps the app language where the browser has no variant of it in the same script', () => {
    expect(regionalVariant('en', ['zh-CN', 'fr-FR'])).toBe('en')
    expect(regionalVariant('zh-CN', ['zh-TW', 'zh-Hant-HK'])).toBe('zh-CN')
    expect(regionalVariant('en', [])).toBe('en')
  })

  it('skips what is not a language tag', () => {
    expect(regionalVariant('en', ['not a tag!', 'en-AU'])).toBe('en-AU')
  })
})
