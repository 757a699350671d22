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

/** Language and script of a locale tag ("en-GB" → "en-Latn"), or null when it is not a valid tag. */
function languageAndScript(tag: string): string | null {
  try {
    const full = new Intl.Locale(tag).maximize()
    return `${full.language}-${full.script ?? ''}`
  } catch {
    return null
  }
}

/**
 * The locale to format dates, numbers and lists in: the browser's first preference that
 * is a regional variant of the app's language in the same script (en-GB or en-IN for the
 * English app, zh-SG for the Chinese one, but not zh-TW, which writes Traditional), else
 * the app's language itself.
 */
export function regionalVariant(locale: Locale, browserLanguages: readonly string[]): string {
  const wanted = languageAndScript(locale)
  for (const tag of browserLanguages) {
    if (languageAndScript(tag) === wanted) return Intl.getCanonicalLocales(tag)[0] ?? locale
  }
  return locale
}
