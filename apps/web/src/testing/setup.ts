import { config } from '@vue/test-utils'
import { afterEach } from 'vitest'
import { i18n, loadMessages, setLocale } from '../i18n'

// Every mounted component gets the app's i18n; tests run in English unless one switches.
// Both languages are loaded up front, so a test's switch takes effect at once.
config.global.plugins = [i18n]
await Promise.all([loadMessages('en'), loadMessages('zh-CN')])
void setLocale('en')
afterEach(() => void setLocale('en'))
