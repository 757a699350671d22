import { formatLocale } from '../i18n'

// Intl formatters are costly to build: one per locale, made on first use.
const cache = new Map<string, { dateTime: Intl.DateTimeFormat; timeOfDay: Intl.DateTimeFormat; relative: Intl.RelativeTimeFormat }>()

/** The formatters of the app's language in the browser's region (reading it makes a template re-render on a switch). */
function formatters() {
  const locale = formatLocale()
  let found = cache.get(locale)
  if (!found) {
    found = {
      dateTime: new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short' }),
      timeOfDay: new Intl.DateTimeFormat(locale, { timeStyle: 'short' }),
      relative: new Intl.RelativeTimeFormat(locale, { numeric: 'auto' }),
    }
    cache.set(locale, found)
  }
  return found
}

const UNITS: [Intl.RelativeTimeFormatUnit, number][] = [
  ['day', 86_400],
  ['hour', 3_600],
  ['minute', 60],
  ['second', 1],
]

/** "Nov 27, 2025, 9:41 AM" / "2025年11月27日 09:41" in the app's language; the raw text when it is not a date. */
export function formatDateTime(iso: string): string {
  const at = Date.parse(iso)
  return Number.isNaN(at) ? iso : formatters().dateTime.format(at)
}

/** "in 29 minutes", "2 hours ago" / "29分钟后": the largest unit that fits. */
export function formatRelative(iso: string, now = Date.now()): string {
  const at = Date.parse(iso)
  if (Number.isNaN(at)) return iso
  const seconds = Math.round((at - now) / 1000)
  for (const [unit, size] of UNITS) {
    if (Math.abs(seconds) >= size || unit === 'second') return formatters().relative.format(Math.trunc(seconds / size), unit)
  }
  return iso
}

/** "2:05 PM" when `iso` is today, else the date too: for "your session ends at …". */
export function formatTimeOfDay(iso: string, now = Date.now()): string {
  const at = Date.parse(iso)
  if (Number.isNaN(at)) return iso
  const { timeOfDay, dateTime } = formatters()
  return new Date(at).toDateString() === new Date(now).toDateString() ? timeOfDay.format(at) : dateTime.format(at)
}
