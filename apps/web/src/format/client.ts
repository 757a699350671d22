import type { ClientDescription } from '@tokenauth/shared'
import { t } from '../i18n'

/** A client in the current language: browser ("Chrome 156 on Linux" / "Linux 上的 Chrome 156") and device kind. */
export function clientWords(client: ClientDescription): { browser: string; device: string } {
  const browser = client.browser === null ? t('client.unknownBrowser') : client.browserVersion === null ? client.browser : `${client.browser} ${client.browserVersion}`
  return {
    browser: client.os === null ? browser : t('client.browserOn', { browser, os: client.os }),
    device: t(`client.devices.${client.device}`),
  }
}

/** One line for a list or a button's name: "Chrome 156 on Linux (Desktop)". */
export function clientLabel(client: ClientDescription): string {
  const { browser, device } = clientWords(client)
  return t('client.label', { browser, device })
}
