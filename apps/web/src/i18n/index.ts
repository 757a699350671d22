import { createI18n } from 'vue-i18n'
import type { Messages } from './schema'
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
 * It starts without messages: each language is a chunk of its own, fetched when first
 * used (`loadMessages`), so a first page carries the words of its own language only, and
 * the app mounts once they are in (`applyInitialLocale`).
 */
export const i18n = createI18n<[Messages], Locale, false>({
  legacy: false,
  locale: pickLocale(storedLocale(), browserLanguages()),
  fallbackLocale: 'en',
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

/** Each language's messages, a chunk of its own. */
const languages: Record<Locale, () => Promise<{ default: Messages }>> = {
  en: () => import('./messages/en'),
  'zh-CN': () => import('./messages/zh-CN'),
}
const loaded = new Set<Locale>()
const loading = new Map<Locale, Promise<void>>()

/** Fetches a language's messages once (a failed fetch is tried again on the next call). */
export function loadMessages(locale: Locale): Promise<void> {
  if (loaded.has(locale)) return Promise.resolve()
  let pending = loading.get(locale)
  if (!pending) {
    pending = languages[locale]().then(
      (module) => {
        i18n.global.setLocaleMessage(locale, module.default)
        loaded.add(locale)
        loading.delete(locale)
      },
      (failure: unknown) => {
        loading.delete(locale)
        throw failure
      },
    )
    loading.set(locale, pending)
  }
  return pending
}

/** The language last asked for: a slow fetch must not undo a later choice. */
let wanted: Locale | null = null

function apply(locale: Locale): void {
  i18n.global.locale.value = locale
  document.documentElement.lang = locale
  try {
    localStorage.setItem(LOCALE_STORAGE_KEY, locale)
  } catch {
    // Not remembered when storage is blocked; the switch still works for this visit.
  }
}

/**
 * Switches, remembers it on this device, and keeps `<html lang>` in step: at once when the
 * language's messages are in (the page's first language, or one used before), else once
 * they are fetched.
 * Rejects, leaving the language as it was, when they cannot be fetched.
 */
export function setLocale(locale: Locale): Promise<void> {
  wanted = locale
  if (loaded.has(locale)) {
    apply(locale)
    return Promise.resolve()
  }
  return loadMessages(locale).then(() => {
    if (wanted === locale) apply(locale)
  })
}

/**
 * At start, before the app mounts: the messages of the language the page opens in (so
 * nothing paints without words, or in the other language first), and `<html lang>`
 * saying it. When they cannot be fetched the page opens in English.
 */
export async function applyInitialLocale(): Promise<void> {
  try {
    await loadMessages(currentLocale())
  } catch {
    i18n.global.locale.value = 'en'
    // Without words either way; the page still works, and a reload tries again.
    await loadMessages('en').catch(() => undefined)
  }
  document.documentElement.lang = currentLocale()
}
