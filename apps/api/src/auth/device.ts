import Bowser from 'bowser'

const DEVICE_NAMES: Readonly<Record<string, string>> = { desktop: 'Desktop', mobile: 'Mobile', tablet: 'Tablet', tv: 'TV' }

/** Device kind and "Browser major on OS" from a user agent, for the Sessions view. */
export function describeUserAgent(userAgent: string | null): { device: string; browser: string } {
  if (!userAgent) return { device: 'Unknown device', browser: 'Unknown browser' }
  const parsed = Bowser.parse(userAgent)
  const device = DEVICE_NAMES[parsed.platform.type ?? ''] ?? 'Unknown device'
  const name = parsed.browser.name || 'Unknown browser'
  const major = parsed.browser.version?.split('.')[0]
  const os = parsed.os.name
  return { device, browser: `${name}${major ? ` ${major}` : ''}${os ? ` on ${os}` : ''}` }
}
