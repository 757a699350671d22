import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Browser, BrowserContext, Page } from 'playwright-core'
import { ADMIN, location, signIn } from './support/app'
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
