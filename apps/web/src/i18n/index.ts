import { createI18n } from 'vue-i18n'
import en, { type Messages } from './messages/en'
import zhCN from './messages/zh-CN'
import { LOCALE_STORAGE_KEY, pickLocale, regionalVariant, type Locale } from './locales'

export { LOCALES, type Locale } from './locales'

function browserLanguages(): readonly string[] {
  return typeof navigator === 'undefined' ? [] : navigator.languages
}

function storedLocale(): string | null {
  try {
    return localStorage.getItem(LOCALE_STORAGE_KEY)
  } catch {
    return null // storage blocked: the browser's language it is
  }
}

/**
 * The app's i18n instance (Composition API mode). Components use `useI18n()`/`$t`;
 * code outside components (errors, toasts, dates) uses `t` and `currentLocale` below.
 */
export const i18n = createI18n<[Messages], Locale, false>({
  legacy: false,
  locale: pickLocale(storedLocale(), browserLanguages()),
  fallbackLocale: 'en',
  messages: { en, 'zh-CN': zhCN },
  missingWarn: false,
  fallbackWarn: false,
})

/** Translate outside a component. */
export const t = i18n.global.t

/** The language now in use (reactive: a template that formats a date re-renders on a switch). */
export function currentLocale(): Locale {
  return i18n.global.locale.value
}

/**
 * Where dates, numbers and lists are formatted: the browser's regional variant of the
 * app's language (an English app in a British browser writes 27 Nov 2025 and 24-hour
 * times). Reactive like `currentLocale`.
 */
export function formatLocale(): string {
  return regionalVariant(currentLocale(), browserLanguages())
}

/** Switches at once, remembers it on this device, and keeps `<html lang>` in step. */
export function setLocale(locale: Locale): void {
  i18n.global.locale.value = locale
  document.documentElement.lang = locale
  try {
    localStorage.setItem(LOCALE_STORAGE_KEY, locale)
  } catch {
    // Not remembered when storage is blocked; the switch still works for this visit.
  }
}

/** At start: `<html lang>` says the language the page opens in. */
export function applyInitialLocale(): void {
  document.documentElement.lang = currentLocale()
}
