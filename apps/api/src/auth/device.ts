import Bowser from 'bowser'
import type { ClientDescription, DeviceKind } from '@tokenauth/shared'

const DEVICE_KINDS: ReadonlyMap<string, DeviceKind> = new Map([
  ['desktop', 'desktop'],
  ['mobile', 'mobile'],
  ['tablet', 'tablet'],
  ['tv', 'tv'],
])

/**
 * A user agent's device kind, browser, major version and operating system, for the
 * Devices and Audit views. Parts, not a sentence: each client words them in its language.
 */
export function describeUserAgent(userAgent: string | null): ClientDescription {
  if (!userAgent) return { device: 'unknown', browser: null, browserVersion: null, os: null }
  const parsed = Bowser.parse(userAgent)
  return {
    device: DEVICE_KINDS.get(parsed.platform.type ?? '') ?? 'unknown',
    browser: parsed.browser.name || null,
    browserVersion: parsed.browser.version?.split('.')[0] || null,
    os: parsed.os.name || null,
  }
}
