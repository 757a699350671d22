// The screenshots in docs/web-app.md, taken from the real server in Debian's Chromium:
// `pnpm build && pnpm --filter @tokenauth/web screenshots`. Writes docs/screenshots/*.png.
import { mkdir } from 'node:fs/promises'
import { join } from 'node:path'
import type { Browser, Page } from 'playwright-core'
import { ADMIN, PLAIN, signIn } from '../e2e/support/app'
import { REPO_ROOT } from '../e2e/support/server'
import { startAppWithAdmin, stopApp } from '../e2e/support/suite'

const OUT = join(REPO_ROOT, 'docs', 'screenshots')
const LANGUAGES = [
  { locale: 'en-US', lang: 'en' },
  { locale: 'zh-CN', lang: 'zh-CN' },
] as const

async function signedIn(browser: Browser, baseURL: string, language: (typeof LANGUAGES)[number], viewport: { width: number; height: number }, colorScheme: 'light' | 'dark'): Promise<Page> {
  const context = await browser.newContext({ locale: language.locale, viewport, colorScheme, deviceScaleFactor: 1 })
  const page = await context.newPage()
  await page.goto(`${baseURL}/login`)
  await signIn(page, ADMIN, language.lang)
  await page.waitForURL((url) => url.pathname === '/')
  await page.getByTestId('recent-sign-ins').waitFor()
  return page
}

async function main(): Promise<void> {
  await mkdir(OUT, { recursive: true })
  const app = await startAppWithAdmin({ users: [PLAIN] })
  try {
    const { baseURL } = app.server
    // Something to show: a refused try and a few sign-ins, from a phone and a laptop.
    const phoneAgent = 'Mozilla/5.0 (iPhone; CPU iPhone OS 18_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.0 Mobile/15E148 Safari/604.1'
    const laptopAgent = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:128.0) Gecko/20100101 Firefox/128.0'
    const headers = (userAgent: string) => ({ 'content-type': 'application/json', 'user-agent': userAgent })
    for (const password of ['a wrong guess', PLAIN.password, PLAIN.password]) {
      await fetch(`${baseURL}/api/auth/login`, { method: 'POST', headers: headers(phoneAgent), body: JSON.stringify({ username: PLAIN.username, password }) })
    }
    await fetch(`${baseURL}/api/auth/login`, { method: 'POST', headers: headers(laptopAgent), body: JSON.stringify({ username: ADMIN.username, password: 'not it at all' }) })
    await fetch(`${baseURL}/api/auth/login`, { method: 'POST', headers: headers(phoneAgent), body: JSON.stringify(ADMIN) })
    for (const language of LANGUAGES) {
      const desktop = await signedIn(app.browser, baseURL, language, { width: 1440, height: 900 }, 'light')
      // The whole page, down to the admin's Security chart.
      await desktop.getByTestId('security-overview').locator('canvas').waitFor()
      await desktop.screenshot({ path: join(OUT, `overview-${language.lang}.png`), fullPage: true })
      await desktop.getByTestId('account-menu-button').click()
      await desktop.getByTestId('account-menu').waitFor()
      await desktop.screenshot({ path: join(OUT, `account-menu-${language.lang}.png`), clip: { x: 720, y: 0, width: 720, height: 320 } })
      await desktop.context().close()

      const phone = await signedIn(app.browser, baseURL, language, { width: 390, height: 844 }, 'dark')
      await phone.goto(`${baseURL}/audit`)
      await phone.getByTestId('audit-table').waitFor()
      await phone.screenshot({ path: join(OUT, `audit-phone-${language.lang}.png`) })
      await phone.context().close()
    }
  } finally {
    await stopApp(app)
  }
}

await main()
