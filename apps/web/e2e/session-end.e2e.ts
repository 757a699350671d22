import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Browser } from 'playwright-core'
import { TOKEN_HEADER } from '@tokenauth/shared'
import { ADMIN, captureToken, countNavigationsTo, location, setupAdminWithApi, signIn } from './support/app'
import { launchBrowser } from './support/browser'
import { startServer, type RunningServer } from './support/server'

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

describe('when the session ends', () => {
  let server: RunningServer
  let browser: Browser

  beforeAll(async () => {
    server = await startServer()
    await setupAdminWithApi(server)
    browser = await launchBrowser()
  })
  afterAll(async () => {
    await browser?.close()
    await server?.stop()
  })

  it('a token revoked on the server sends the next action to login exactly once; a reload does not loop', async () => {
    const context = await browser.newContext()
    const page = await context.newPage()
    const token = captureToken(page)
    const toLogin = countNavigationsTo(page, '/login')

    await page.goto(`${server.baseURL}/notes`)
    await signIn(page, ADMIN)
    await page.getByRole('heading', { name: 'All notes' }).waitFor()
    const sent = token()
    expect(sent).toBeTruthy()

    // Revoke from outside the browser: logout with the page's own token.
    const logout = await fetch(`${server.baseURL}/api/auth/logout`, { method: 'POST', headers: { [TOKEN_HEADER]: sent ?? '' } })
    expect(logout.status).toBe(204)
    const me = await fetch(`${server.baseURL}/api/me`, { headers: { [TOKEN_HEADER]: sent ?? '' } })
    expect(me.status).toBe(401)

    const before = toLogin()
    await page.getByLabel('Note', { exact: true }).fill('This will not be saved')
    await page.getByRole('button', { name: 'Post note' }).click()
    await page.waitForURL((url) => url.pathname === '/login')
    await pause(1000)
    expect(toLogin() - before).toBe(1)
    expect(location(page)).toBe('/login?redirect=/notes')
    expect(await page.getByText('The session has ended. Please sign in again.').count()).toBe(1)

    // A reload with the dead session: the login page, once, with the form on it.
    await page.goto(`${server.baseURL}/notes?x=1`)
    await page.getByRole('button', { name: 'Sign in' }).waitFor()
    const afterReload = toLogin()
    await pause(1000)
    expect(toLogin()).toBe(afterReload)
    expect(new URL(page.url()).searchParams.get('redirect')).toBe('/notes?x=1')
    await context.close()
  })

  it('signing out in one tab takes every other tab to the login page within ~1.5 s', async () => {
    const context = await browser.newContext()
    const first = await context.newPage()
    await first.goto(`${server.baseURL}/login`)
    await signIn(first, ADMIN)
    await first.getByRole('heading', { name: 'Overview' }).waitFor()

    // Same browser context, same cookie: the second tab is signed in by the refresh at boot.
    const second = await context.newPage()
    await second.goto(`${server.baseURL}/notes`)
    await second.getByRole('heading', { name: 'All notes' }).waitFor()

    await first.getByRole('button', { name: 'Sign out' }).click()
    await first.waitForURL((url) => url.pathname === '/login')
    const started = Date.now()
    await second.waitForURL((url) => url.pathname === '/login', { timeout: 1500 })
    expect(Date.now() - started).toBeLessThan(1500)
    await second.getByRole('button', { name: 'Sign in' }).waitFor()
    await context.close()
  })
})
