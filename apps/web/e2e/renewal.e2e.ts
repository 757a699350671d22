import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Browser } from 'playwright-core'
import { ADMIN, countNavigationsTo, countRequestsTo, location, signIn } from './support/app'
import type { RunningServer } from './support/server'
import { startAppWithAdmin, stopApp } from './support/suite'

const TTL_MS = 4000
const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

describe('renewing the access token, and the session’s absolute end', () => {
  let server: RunningServer
  let browser: Browser

  beforeAll(async () => {
    // A 4-minute session: within the 5-minute warning from the start (the idle timeout must be shorter).
    ;({ server, browser } = await startAppWithAdmin({
      env: { ACCESS_TOKEN_TTL: `${TTL_MS / 1000}s`, SESSION_ABSOLUTE_TIMEOUT: '4m', SESSION_IDLE_TIMEOUT: '3m' },
    }))
  })
  afterAll(() => stopApp({ server, browser }))

  it('after the token expired, the next action just works: one refresh for the burst, no login page, no dialog', async () => {
    const context = await browser.newContext()
    const page = await context.newPage()
    await page.goto(`${server.baseURL}/login`)
    await signIn(page, ADMIN)
    await page.getByRole('heading', { name: 'Overview' }).waitFor()

    const refreshes = countRequestsTo(page, '/api/auth/refresh')
    const toLogin = countNavigationsTo(page, '/login')
    const refused: string[] = []
    const apiTokens: string[] = []
    page.on('response', (response) => {
      if (response.status() === 401) refused.push(response.url())
    })
    page.on('request', (request) => {
      const path = new URL(request.url()).pathname
      if (path === '/api/session/items' || path === '/api/session' || path === '/api/cookies') apiTokens.push(request.headers()['token'] ?? '')
    })

    await pause(TTL_MS + 500)
    // The Session & cookies page loads two things at once: a burst of two requests with an expired token.
    await page.getByTestId('account-menu-button').click()
    await page.getByRole('navigation', { name: 'Your account' }).getByRole('link', { name: 'Session & cookies' }).click()
    await page.getByTestId('session-items').waitFor()
    await page.getByTestId('cookies-table').waitFor()

    expect(refreshes()).toBe(1)
    expect(apiTokens.length).toBeGreaterThanOrEqual(2)
    expect(new Set(apiTokens).size).toBe(1) // all sent with the one renewed token
    expect(refused).toEqual([]) // renewed ahead of the requests, so none was refused
    expect(location(page)).toBe('/session')
    expect(toLogin()).toBe(0)
    expect(await page.getByRole('dialog').count()).toBe(0)
    await context.close()
  })

  it('warns before the absolute end, and "Sign in again now" starts a new session in place', async () => {
    const context = await browser.newContext()
    const page = await context.newPage()
    await page.goto(`${server.baseURL}/notes`)
    await signIn(page, ADMIN)
    await page.getByRole('heading', { name: 'All notes' }).waitFor()

    const warning = page.getByTestId('session-end-warning')
    await warning.filter({ hasText: 'Your session ends at' }).waitFor()
    expect(await warning.getAttribute('aria-live')).toBe('polite')
    const firstEnd = Date.parse((await warning.locator('time').getAttribute('datetime')) ?? '')
    await page.getByLabel('Note', { exact: true }).fill('still here afterwards')

    await pause(1100) // so the new session ends measurably later
    await page.getByRole('button', { name: 'Sign in again now' }).click()
    const dialog = page.getByRole('dialog', { name: 'Sign in again' })
    await dialog.getByLabel('Password', { exact: true }).fill(ADMIN.password)
    await dialog.getByRole('button', { name: 'Sign in' }).click()
    await dialog.waitFor({ state: 'detached' })

    await page.waitForFunction(
      (before) => Date.parse(document.querySelector('[data-testid="session-end-warning"] time')?.getAttribute('datetime') ?? '') > before,
      firstEnd,
    )
    expect(await page.getByLabel('Note', { exact: true }).inputValue()).toBe('still here afterwards')
    expect(location(page)).toBe('/notes')
    await context.close()
  })
})
