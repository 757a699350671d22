import { formatLocale } from '../i18n'

type Bucket = 'hour' | 'day'
type Style = 'axis' | 'full'

// The server's buckets are whole UTC hours and days, so they are named in UTC: a local
// name would put a day's count under the date before it west of Greenwich.
const OPTIONS: Record<Bucket, Record<Style, Intl.DateTimeFormatOptions>> = {
  hour: {
    axis: { hour: '2-digit', minute: '2-digit', timeZone: 'UTC' },
    full: { month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit', timeZone: 'UTC' },
  },
  day: {
    axis: { month: 'numeric', day: 'numeric', timeZone: 'UTC' },
    full: { dateStyle: 'medium', timeZone: 'UTC' },
  },
}

const cache = new Map<string, Intl.DateTimeFormat>()

/** The start of an hour or day bucket in the app's language and the browser's region, in UTC. */
export function formatBucket(iso: string, bucket: Bucket, style: Style): string {
  const at = Date.parse(iso)
  if (Number.isNaN(at)) return iso
  const key = `${formatLocale()}|${bucket}|${style}`
  let format = cache.get(key)
  if (!format) {
    format = new Intl.DateTimeFormat(formatLocale(), OPTIONS[bucket][style])
    cache.set(key, format)
  }
  return format.format(at)
}
