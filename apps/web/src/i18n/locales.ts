/** The languages the app speaks. zh-CN is first-class: every key exists in both. */
export const LOCALES = ['zh-CN', 'en'] as const
export type Locale = (typeof LOCALES)[number]

/** Where the chosen language is remembered on this device. */
export const LOCALE_STORAGE_KEY = 'tokenauth.locale'

export function isLocale(value: unknown): value is Locale {
  return typeof value === 'string' && (LOCALES as readonly string[]).includes(value)
}

/**
 * The language to start in: the one chosen earlier on this device, else the browser's
 * first preference (`zh`, `zh-TW`, `zh-Hans-CN`… → zh-CN; anything else → en).
 */
export function pickLocale(stored: string | null, browserLanguages: readonly string[]): Locale {
  if (isLocale(stored)) return stored
  const first = browserLanguages[0] ?? ''
  return /^zh\b/i.test(first) ? 'zh-CN' : 'en'
}
