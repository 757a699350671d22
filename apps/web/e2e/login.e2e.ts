import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Browser, BrowserContext, Page } from 'playwright-core'
import { ADMIN, location, signIn } from './support/app'
import { startServer } from './support/server'
import type { RunningServer } from './support/server'
import { startAppWithAdmin, stopApp } from './support/suite'

describe('signing in', () => {
  let server: RunningServer
  let browser: Browser

  beforeAll(async () => {
    ;({ server, browser } = await startAppWithAdmin())
  })
  afterAll(() => stopApp({ server, browser }))

  it('a wrong password shows the error in words; the right one opens the dashboard', async () => {
    const page = await browser.newPage()
    await page.goto(`${server.baseURL}/login`)

    await signIn(page, { username: ADMIN.username, password: 'not the password' })
    await page.getByRole('alert').filter({ hasText: 'Incorrect username or password.' }).waitFor()
    expect(new URL(page.url()).pathname).toBe('/login')

    await signIn(page, ADMIN)
    await page.waitForURL((url) => url.pathname === '/')
    await page.getByRole('heading', { name: 'Overview' }).waitFor()
    await page.close()
  })

  it('after too many failures: says it once, counts down with the button disabled, then the button works again', async () => {
    // Failures for one username (existing or not) are counted; past LOGIN_FAILURES_PER_ACCOUNT
    // each next try waits 1 s, 2 s, 4 s… Fail through the API until the wait is a few seconds.
    const nobody = { username: 'nobody-here', password: 'not the password' }
    const attempt = () =>
      fetch(`${server.baseURL}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(nobody) })
    for (;;) {
      const answer = await attempt()
      if (answer.status !== 429) continue
      const retryAfter = Number(answer.headers.get('retry-after'))
      if (retryAfter >= 3) break
      await new Promise((resolve) => setTimeout(resolve, retryAfter * 1000 + 100))
    }
    const context = await browser.newContext({ locale: 'en-US' })
    const page = await context.newPage()
    await page.goto(`${server.baseURL}/login`)
    await signIn(page, nobody)
    const alert = page.locator('#login-error')
    await alert.filter({ hasText: /^Too many attempts\. That password was not checked\. Try again in \d+ s\.$/ }).waitFor()
    const button = page.getByRole('button', { name: 'Sign in' })
    expect(await button.isDisabled()).toBe(true)
    const first = Number(/(\d+) s/.exec((await alert.textContent()) ?? '')?.[1])
    expect(first).toBeGreaterThanOrEqual(2)
    // Counted down in place: the same one message with a smaller number, never repeated.
    await alert.filter({ hasText: `Try again in ${first - 1} s.` }).waitFor()
    expect(await page.getByText('Too many attempts').count()).toBe(1)
    await alert.filter({ hasText: 'You can try again now.' }).waitFor({ timeout: (first + 2) * 1000 })
    expect(await button.isDisabled()).toBe(false)
    await context.close()
  })

  it('says why the sign-in page is shown: after signing out, and after a redirect', async () => {
    const context = await browser.newContext({ locale: 'en-US' })
    const page = await context.newPage()
    await page.goto(`${server.baseURL}/notes`)
    await page.getByTestId('login-notice').filter({ hasText: 'Sign in to open that page.' }).waitFor()
    await signIn(page, ADMIN)
    await page.getByRole('heading', { name: 'All notes' }).waitFor()
    await page.getByRole('button', { name: 'Sign out' }).click()
    await page.waitForURL((url) => url.pathname === '/login')
    await page.getByTestId('login-notice').filter({ hasText: 'You are signed out.' }).waitFor()
    await context.close()
  })

  it('"Keep me signed in on this device" gives the session cookie 30 days; without it the session ends as usual', async () => {
    const cookieDays = async (remember: boolean) => {
      const context = await browser.newContext({ locale: 'en-US' })
      const page = await context.newPage()
      await page.goto(`${server.baseURL}/login`)
      const box = page.getByLabel('Keep me signed in on this device')
      await box.waitFor()
      if (remember) await box.check()
      await signIn(page, ADMIN)
      await page.waitForURL((url) => url.pathname === '/')
      const longest = Math.max(...(await context.cookies()).map((cookie) => cookie.expires))
      await context.close()
      return (longest * 1000 - Date.now()) / 86_400_000
    }
    expect(await cookieDays(true)).toBeGreaterThan(29.9)
    expect(await cookieDays(false)).toBeLessThan(1) // the 12-hour absolute timeout, or the browser session
  })

  it('REMEMBER_ME_TIMEOUT=0 hides the option', async () => {
    const plain = await startServer({ env: { REMEMBER_ME_TIMEOUT: '0' } })
    try {
      const context = await browser.newContext({ locale: 'en-US' })
      const page = await context.newPage()
      // The options arrive with GET /api/auth/login: wait for them before saying the box is not there.
      const options = page.waitForResponse((response) => new URL(response.url()).pathname === '/api/auth/login')
      await page.goto(`${plain.baseURL}/login`)
      await page.getByRole('heading', { name: 'Sign in' }).waitFor()
      expect(((await (await options).json()) as { rememberMeSeconds: number }).rememberMeSeconds).toBe(0)
      expect(await page.getByLabel('Keep me signed in on this device').count()).toBe(0)
      await context.close()
    } finally {
      await plain.stop()
    }
  })

  describe('a protected URL with a query, visited signed out', () => {
    let context: BrowserContext
    let page: Page
    const wanted = '/notes?tab=mine&sort=new'

    beforeAll(async () => {
      context = await browser.newContext()
      page = await context.newPage()
    })
    afterAll(() => context?.close())

    it('goes to login, then back to exactly that URL', async () => {
      await page.goto(`${server.baseURL}${wanted}`)
      await page.waitForURL((url) => url.pathname === '/login')
      expect(new URL(page.url()).searchParams.get('redirect')).toBe(wanted)

      await signIn(page, ADMIN)
      await page.waitForURL((url) => url.pathname === '/notes')
      expect(location(page)).toBe(wanted)
      await page.getByRole('heading', { name: 'Notes', exact: true }).waitFor()
    })

    it('a reload stays signed in on the same URL, and no token is stored in the page', async () => {
      await page.reload()
      await page.getByRole('heading', { name: 'Notes', exact: true }).waitFor()
      expect(location(page)).toBe(wanted)
      expect(await page.getByTestId('current-user').textContent()).toBe(ADMIN.username)

      const stored = await page.evaluate(() => ({
        local: JSON.stringify({ ...localStorage }),
        // vue-router 5 keeps its own scroll positions here; nothing else may be.
        session: JSON.stringify(Object.keys(sessionStorage).filter((key) => !key.startsWith('vue-router:'))),
        cookies: document.cookie,
      }))
      expect(stored.local).toBe('{}')
      expect(stored.session).toBe('[]')
      expect(stored.cookies).not.toContain('tokenauth')
    })
  })
})
