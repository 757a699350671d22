import { config } from '@vue/test-utils'
import { afterEach } from 'vitest'
import { i18n, setLocale } from '../i18n'

// Every mounted component gets the app's i18n; tests run in English unless one switches.
config.global.plugins = [i18n]
setLocale('en')
afterEach(() => setLocale('en'))
