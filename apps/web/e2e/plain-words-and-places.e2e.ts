import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Browser } from 'playwright-core'
import { PLAIN, signIn } from './support/app'
import type { RunningServer } from './support/server'
import { startAppWithAdmin, stopApp } from './support/suite'

describe('plain words and places to go on', () => {
  let server: RunningServer
  let browser: Browser

  beforeAll(async () => {
    ;({ server, browser } = await startAppWithAdmin({ users: [PLAIN] }))
  })
  afterAll(() => stopApp({ server, browser }))

  it('a 300-character username on the login page is told the limit, not "something is not valid"', async () => {
    const context = await browser.newContext({ locale: 'en-US' })
    const page = await context.newPage()
    let loginRequests = 0
    page.on('request', (request) => {
      if (new URL(request.url()).pathname === '/api/auth/login' && request.method() === 'POST') loginRequests++
    })
    await page.goto(`${server.baseURL}/login`)
    await signIn(page, { username: 'a'.repeat(300), password: 'whatever it is' })
    const error = page.locator('#login-error')
    await error.filter({ hasText: 'at most 64' }).waitFor()
    expect(await error.textContent()).toBe('A username has at most 64 characters; this one has 300.')
    expect(loginRequests).toBe(0)
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('login-username')
    await context.close()
  })

  it('"Note posted." is said, then gone a few seconds later; focus stays in the note box', async () => {
    const context = await browser.newContext({ locale: 'en-US' })
    const page = await context.newPage()
    await page.goto(`${server.baseURL}/notes`)
    await signIn(page, PLAIN)
    await page.waitForURL((url) => url.pathname === '/notes')
    await page.getByLabel('Note', { exact: true }).fill('Short-lived news')
    await page.getByRole('button', { name: 'Post note' }).click()
    const status = page.getByTestId('notes-message')
    await status.filter({ hasText: 'Note posted.' }).waitFor()
    const posted = Date.now()
    await page.waitForFunction(() => document.querySelector('[data-testid="notes-message"]')?.textContent?.trim() === '', undefined, { timeout: 10_000 })
    expect(Date.now() - posted).toBeGreaterThan(3_000)
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('note-text')
    await context.close()
  })

  it('a signed-in person on an unknown address keeps the header and navigation', async () => {
    const context = await browser.newContext({ locale: 'en-US' })
    const page = await context.newPage()
    await page.goto(`${server.baseURL}/login`)
    await signIn(page, PLAIN)
    await page.waitForURL((url) => url.pathname === '/')
    await page.goto(`${server.baseURL}/no/such/page`)
    await page.getByTestId('not-found').waitFor()
    expect(new URL(page.url()).pathname).toBe('/no/such/page')
    expect(await page.locator('header nav').first().isVisible()).toBe(true)
    expect(await page.getByRole('link', { name: 'Notes' }).first().isVisible()).toBe(true)
    // One <main>: the 404 is a part of the dashboard's, not a second one.
    expect(await page.locator('main').count()).toBe(1)
    await context.close()

    const visitor = await browser.newContext({ locale: 'en-US' })
    const anonymous = await visitor.newPage()
    await anonymous.goto(`${server.baseURL}/no/such/page`)
    await anonymous.getByTestId('not-found').waitFor()
    expect(await anonymous.locator('header').count()).toBe(0)
    await visitor.close()
  })
})
