const dateTime = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' })
const relative = new Intl.RelativeTimeFormat(undefined, { numeric: 'auto' })

const UNITS: [Intl.RelativeTimeFormatUnit, number][] = [
  ['day', 86_400],
  ['hour', 3_600],
  ['minute', 60],
  ['second', 1],
]

/** "Nov 27, 2025, 9:41 AM" in the reader's locale; the raw text when it is not a date. */
export function formatDateTime(iso: string): string {
  const at = Date.parse(iso)
  return Number.isNaN(at) ? iso : dateTime.format(at)
}

/** "in 29 minutes", "2 hours ago": the largest unit that fits. */
export function formatRelative(iso: string, now = Date.now()): string {
  const at = Date.parse(iso)
  if (Number.isNaN(at)) return iso
  const seconds = Math.round((at - now) / 1000)
  for (const [unit, size] of UNITS) {
    if (Math.abs(seconds) >= size || unit === 'second') return relative.format(Math.trunc(seconds / size), unit)
  }
  return iso
}

const timeOfDay = new Intl.DateTimeFormat(undefined, { timeStyle: 'short' })

/** "2:05 PM" when `iso` is today, else the date too: for "your session ends at …". */
export function formatTimeOfDay(iso: string, now = Date.now()): string {
  const at = Date.parse(iso)
  if (Number.isNaN(at)) return iso
  return new Date(at).toDateString() === new Date(now).toDateString() ? timeOfDay.format(at) : dateTime.format(at)
}
