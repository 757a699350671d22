import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Browser, BrowserContext, Page } from 'playwright-core'
import { ADMIN, PLAIN, signIn } from './support/app'
import type { RunningServer } from './support/server'
import { startAppWithAdmin, stopApp } from './support/suite'

/** What has the keyboard focus: its test id, or its tag when it has none (`BODY` is the failure). */
const focused = (page: Page) => page.evaluate(() => document.activeElement?.getAttribute('data-testid') ?? document.activeElement?.tagName)

describe('after a destructive action, focus goes somewhere sensible, never to <body>', () => {
  let server: RunningServer
  let browser: Browser
  const contexts: BrowserContext[] = []

  beforeAll(async () => {
    // The audit-log test signs in 110 times within a minute to fill three pages exactly: more
    // than one account may add to the audit log per minute by default, and more sessions than
    // it may keep (each one ended would add an event).
    ;({ server, browser } = await startAppWithAdmin({ users: [PLAIN], env: { AUDIT_PER_ACCOUNT_PER_MINUTE: '1000', MAX_SESSIONS_PER_USER: '1000' } }))
  })
  afterAll(async () => {
    for (const context of contexts) await context.close()
    await stopApp({ server, browser })
  })

  async function signedIn(path: string, user = ADMIN): Promise<Page> {
    const context = await browser.newContext({ locale: 'en-US' })
    contexts.push(context)
    const page = await context.newPage()
    await page.goto(`${server.baseURL}${path}`)
    await signIn(page, user)
    await page.waitForURL((url) => url.pathname === path)
    return page
  }

  it('ending another session: focus on the message', async () => {
    await signedIn('/notes') // the other device
    const page = await signedIn('/sessions')
    await page.getByRole('button', { name: /^End the session on/ }).first().click()
    await page.getByRole('dialog', { name: 'End this session?' }).getByRole('button', { name: 'End session' }).click()
    await page.getByTestId('sessions-message').filter({ hasText: 'Session ended' }).waitFor()
    expect(await focused(page)).toBe('sessions-message')
  })

  it('disabling and enabling a user: focus on the message (the pressed button is gone)', async () => {
    const page = await signedIn('/users')
    await page.getByRole('button', { name: `Disable ${PLAIN.username}` }).click()
    await page.getByRole('dialog', { name: `Disable ${PLAIN.username}?` }).getByRole('button', { name: 'Disable' }).click()
    await page.getByTestId('users-message').filter({ hasText: `${PLAIN.username} is disabled` }).waitFor()
    expect(await focused(page)).toBe('users-message')

    await page.getByRole('button', { name: `Enable ${PLAIN.username}` }).click()
    await page.getByTestId('users-message').filter({ hasText: `${PLAIN.username} can sign in again.` }).waitFor()
    expect(await focused(page)).toBe('users-message')
  })

  it('"Older" in the audit log: focus stays on it while there is more, then goes to the status line', async () => {
    // More than two pages (50 each) of events: sign-ins through the API.
    for (let i = 0; i < 110; i++) {
      const response = await fetch(`${server.baseURL}/api/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(ADMIN),
      })
      expect(response.status).toBe(200)
    }
    const page = await signedIn('/audit')
    await page.getByTestId('audit-table').waitFor()
    const older = page.getByRole('button', { name: 'Older' })
    const focusAfterEach: string[] = []
    while (focusAfterEach.at(-1) !== 'audit-status' && focusAfterEach.length < 5) {
      const before = await page.locator('[data-testid="audit-table"] tbody tr').count()
      await older.click()
      await page.waitForFunction((count) => document.querySelectorAll('[data-testid="audit-table"] tbody tr').length > count, before)
      await page.waitForFunction(() => !document.body.innerText.includes('Loading…'))
      const where = await focused(page)
      focusAfterEach.push(where === 'BUTTON' ? `button ${await page.evaluate(() => document.activeElement?.textContent?.trim())}` : String(where))
    }
    expect(focusAfterEach).toEqual(['button Older', 'audit-status'])
  })
})
