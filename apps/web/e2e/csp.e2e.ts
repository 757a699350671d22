import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Browser } from 'playwright-core'
import { ADMIN, signIn } from './support/app'
import type { RunningServer } from './support/server'
import { startAppWithAdmin, stopApp } from './support/suite'

/** The policy the app must run under: nothing inline, nothing from elsewhere. */
const STRICT_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self'",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
  "object-src 'none'",
].join('; ')

describe('the SPA under a strict Content-Security-Policy', () => {
  let server: RunningServer
  let browser: Browser

  beforeAll(async () => {
    ;({ server, browser } = await startAppWithAdmin())
  })
  afterAll(() => stopApp({ server, browser }))

  it('signs in and opens every page without a single violation', async () => {
    const page = await browser.newPage()
    const violations: string[] = []
    page.on('console', (message) => {
      if (/Content[- ]Security[- ]Policy/i.test(message.text())) violations.push(message.text())
    })
    // Add the policy to every HTML document, on top of any the server already sends
    // (several policies are all enforced).
    await page.route('**/*', async (route) => {
      if (route.request().resourceType() !== 'document') return route.continue()
      const response = await route.fetch()
      const headers = response.headers()
      const existing = headers['content-security-policy']
      headers['content-security-policy'] = existing ? `${existing}, ${STRICT_CSP}` : STRICT_CSP
      return route.fulfill({ response, headers })
    })

    await page.goto(`${server.baseURL}/login`)
    await signIn(page, ADMIN)
    await page.getByRole('heading', { name: 'Overview' }).waitFor()
    const pages = [
      ['Notes', 'All notes'],
      ['Devices', 'Signed-in devices'],
      ['Profile', 'Change password'],
      ['Users', 'Users'],
      ['Audit log', 'Audit log'],
      ['Session & cookies', 'Kept with your session'],
    ] as const
    for (const [link, heading] of pages) {
      // Profile and the storage demo are in the account menu on the name.
      if (link === 'Profile' || link === 'Session & cookies') await page.getByTestId('account-menu-button').click()
      const from = link === 'Profile' || link === 'Session & cookies' ? page.getByRole('navigation', { name: 'Your account' }) : page.getByRole('navigation', { name: 'Main' })
      await from.getByRole('link', { name: link }).click()
      await page.getByRole('heading', { name: heading, exact: true }).waitFor()
    }
    await page.reload()
    await page.getByRole('heading', { name: 'Kept with your session' }).waitFor()
    expect(violations).toEqual([])
    await page.close()
  })
})
