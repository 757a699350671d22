import { formatLocale } from '../i18n'

const lists = new Map<string, Intl.ListFormat>()
const numbers = new Map<string, Intl.NumberFormat>()

function cached<T>(cache: Map<string, T>, make: (locale: string) => T): T {
  const locale = formatLocale()
  let found = cache.get(locale)
  if (!found) {
    found = make(locale)
    cache.set(locale, found)
  }
  return found
}

/** "admin, editor and viewer" / "admin、editor和viewer", as the language joins a list. */
export function formatList(items: readonly string[]): string {
  return cached(lists, (locale) => new Intl.ListFormat(locale, { type: 'conjunction' })).format(items)
}

/** "100,000" in en, "1,00,000" in en-IN: grouped as the browser's region groups digits. */
export function formatNumber(value: number): string {
  return cached(numbers, (locale) => new Intl.NumberFormat(locale)).format(value)
}
