import { afterEach, describe, expect, it, vi } from 'vitest'

/** A fresh copy of the i18n module (the shared one has Chinese loaded by the test setup). */
async function freshI18n() {
  vi.resetModules()
  return import('./index')
}

afterEach(() => {
  vi.doUnmock('./messages/zh-CN')
  vi.resetModules()
})

describe('each language fetched when used', () => {
  it('starts with the words of the language the page opens in only, and switches once the other is in', async () => {
    const i18n = await freshI18n()
    expect(i18n.t('preferences.language')).toBe('preferences.language') // no words yet
    await i18n.applyInitialLocale()
    expect(i18n.i18n.global.availableLocales).toEqual(['en'])
    expect(i18n.t('preferences.language')).toBe('Language')
    const switching = i18n.setLocale('zh-CN')
    expect(i18n.currentLocale()).toBe('en')
    await switching
    expect(i18n.currentLocale()).toBe('zh-CN')
    expect(i18n.t('preferences.language')).toBe('语言')
    expect(document.documentElement.lang).toBe('zh-CN')
    // Loaded once: the way back and forth is immediate.
    void i18n.setLocale('en')
    void i18n.setLocale('zh-CN')
    expect(i18n.currentLocale()).toBe('zh-CN')
    void i18n.setLocale('en')
  })

  it('keeps a later choice when an earlier one is still being fetched', async () => {
    const i18n = await freshI18n()
    await i18n.applyInitialLocale()
    const chinese = i18n.setLocale('zh-CN')
    void i18n.setLocale('en')
    await chinese
    expect(i18n.currentLocale()).toBe('en')
  })

  it('leaves the language as it was when the messages cannot be fetched, and tries again next time', async () => {
    vi.doMock('./messages/zh-CN', () => {
      throw new Error('offline')
    })
    const i18n = await freshI18n()
    await i18n.applyInitialLocale()
    await expect(i18n.setLocale('zh-CN')).rejects.toThrow()
    expect(i18n.currentLocale()).toBe('en')

    vi.doUnmock('./messages/zh-CN')
    await i18n.setLocale('zh-CN')
    expect(i18n.currentLocale()).toBe('zh-CN')
    void i18n.setLocale('en')
  })

  it('opens in Chinese, with nothing else fetched, where that is the language', async () => {
    localStorage.setItem('tokenauth.locale', 'zh-CN')
    try {
      const i18n = await freshI18n()
      await i18n.applyInitialLocale()
      expect(i18n.currentLocale()).toBe('zh-CN')
      expect(i18n.i18n.global.availableLocales).toEqual(['zh-CN'])
      expect(i18n.t('preferences.language')).toBe('语言')
      expect(document.documentElement.lang).toBe('zh-CN')
    } finally {
      localStorage.removeItem('tokenauth.locale')
    }
  })

  it('opens in English when the language the page would open in cannot be fetched', async () => {
    vi.doMock('./messages/zh-CN', () => {
      throw new Error('offline')
    })
    localStorage.setItem('tokenauth.locale', 'zh-CN')
    try {
      const i18n = await freshI18n()
      expect(i18n.currentLocale()).toBe('zh-CN')
      await i18n.applyInitialLocale()
      expect(i18n.currentLocale()).toBe('en')
      expect(i18n.t('preferences.language')).toBe('Language')
      expect(document.documentElement.lang).toBe('en')
    } finally {
      localStorage.removeItem('tokenauth.locale')
    }
  })
})
