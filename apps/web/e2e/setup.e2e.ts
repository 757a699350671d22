import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Browser } from 'playwright-core'
import { ADMIN, location } from './support/app'
import { axeViolations } from './support/axe'
import { launchBrowser } from './support/browser'
import { startServer, type RunningServer } from './support/server'

describe('first-admin setup through the printed link', () => {
  let server: RunningServer
  let browser: Browser

  beforeAll(async () => {
    server = await startServer()
    browser = await launchBrowser()
  })
  afterAll(async () => {
    await browser?.close()
    await server?.stop()
  })

  it('the form fits every width without scrolling sideways, and axe-core finds nothing in either theme', async () => {
    const found: string[] = []
    for (const width of [320, 390, 768, 1024, 1440]) {
      for (const colorScheme of ['light', 'dark'] as const) {
        const context = await browser.newContext({ viewport: { width, height: 800 }, colorScheme, locale: 'en-US' })
        const page = await context.newPage()
        await page.goto(server.setupLink)
        await page.getByRole('heading', { name: 'Create the first admin' }).waitFor()
        const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth)
        expect(overflow, `at ${width} px`).toBeLessThanOrEqual(0)
        if (width === 390 || width === 1440) found.push(...(await axeViolations(page)).map((line) => `${width} px ${colorScheme}: ${line}`))
        await context.close()
      }
    }
    expect(found).toEqual([])
  })

  it('creates the admin and lands signed in on the dashboard', async () => {
    const context = await browser.newContext()
    const page = await context.newPage()
    // First without the link's token: the page asks for the link.
    // On the link's own origin (the server prints localhost for a loopback address).
    await page.goto(`${new URL(server.setupLink).origin}/setup`)
    await page.getByText('This page needs the one-time link').waitFor()
    // The full link pasted into the same tab changes only the fragment: the page reads it.
    let loads = 0
    page.on('load', () => loads++)
    await page.goto(server.setupLink)
    expect(loads).toBe(0)

    await page.getByRole('heading', { name: 'Create the first admin' }).waitFor()
    await page.getByLabel('Username').fill(ADMIN.username)
    await page.getByLabel('Password', { exact: true }).fill(ADMIN.password)
    await page.getByLabel('Password again').fill(ADMIN.password)
    // The one-time token is read once and taken out of the address bar.
    expect(page.url()).not.toContain('token=')
    await page.getByRole('button', { name: 'Create account and sign in' }).click()

    await page.waitForURL((url) => url.pathname === '/')
    await page.getByRole('heading', { name: 'Overview' }).waitFor()
    expect(await page.getByTestId('current-user').textContent()).toBe(ADMIN.username)
    expect(await page.getByTestId('overview-username').textContent()).toBe(ADMIN.username)
    await page.getByTestId('session-ends').waitFor()

    // A reload keeps the session (token renewed through the HttpOnly cookie).
    await page.reload()
    await page.getByRole('heading', { name: 'Overview' }).waitFor()
    expect(location(page)).toBe('/')
    await context.close()
  })

  it('the link works only once', async () => {
    const page = await browser.newPage()
    await page.goto(server.setupLink)
    await page.getByText('Setup is already complete.').waitFor()
    await page.close()
  })
})
