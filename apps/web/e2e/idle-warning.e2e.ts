import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Browser } from 'playwright-core'
import { ADMIN, signIn, signInAgainDialog } from './support/app'
import type { RunningServer } from './support/server'
import { startAppWithAdmin, stopApp } from './support/suite'

/** A 12-second idle timeout: the warning comes a third of it (4 s) before the end. */
const IDLE_MS = 12_000

describe('the warning before the idle timeout', () => {
  let server: RunningServer
  let browser: Browser

  beforeAll(async () => {
    ;({ server, browser } = await startAppWithAdmin({ env: { SESSION_IDLE_TIMEOUT: `${IDLE_MS / 1000}s` } }))
  })
  afterAll(() => stopApp({ server, browser }))

  it('warns a little before, and "Stay signed in" keeps the session alive', async () => {
    const context = await browser.newContext({ locale: 'en-US' })
    const page = await context.newPage()
    await page.goto(`${server.baseURL}/login`)
    await signIn(page, ADMIN)
    await page.getByRole('heading', { name: 'Overview' }).waitFor()
    const warning = page.getByTestId('idle-warning')
    expect(await warning.textContent()).toBe('')

    await warning.filter({ hasText: /^You will be signed out in .+ for inactivity\.$/ }).waitFor({ timeout: IDLE_MS })
    const warnedAt = Date.now()
    await page.getByTestId('stay-signed-in').click()
    await page.waitForFunction(() => document.querySelector('[data-testid="idle-warning"]')?.textContent === '')

    // Past the moment the idle timeout would have ended the session: it is still alive.
    await page.waitForTimeout(Math.max(0, warnedAt + IDLE_MS / 3 + 1500 - Date.now()))
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Notes' }).click()
    await page.getByRole('heading', { name: 'All notes' }).waitFor()
    expect(await signInAgainDialog(page).count()).toBe(0)
    await context.close()
  })
})
