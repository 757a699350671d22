import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Browser } from 'playwright-core'
import { ADMIN, countRequestsTo, signIn } from './support/app'
import type { RunningServer } from './support/server'
import { startAppWithAdmin, stopApp } from './support/suite'

/**
 * A 30-second idle timeout. The app counts from the earliest the session may end (half of
 * such a short timeout, as the server moves a session's last use at most once a minute),
 * and warns a third of the timeout (10 s) before that: 5 s after the last answer.
 */
const IDLE_MS = 30_000

describe('the warning before the idle timeout', () => {
  let server: RunningServer
  let browser: Browser

  beforeAll(async () => {
    ;({ server, browser } = await startAppWithAdmin({ env: { SESSION_IDLE_TIMEOUT: `${IDLE_MS / 1000}s` } }))
  })
  afterAll(() => stopApp({ server, browser }))

  it('warns a little before; "Stay signed in" sends one request and the warning goes', async () => {
    const context = await browser.newContext({ locale: 'en-US' })
    const page = await context.newPage()
    await page.goto(`${server.baseURL}/login`)
    await signIn(page, ADMIN)
    await page.getByRole('heading', { name: 'Overview' }).waitFor()
    const warning = page.getByTestId('idle-warning')
    expect(await warning.textContent()).toBe('')

    await warning.filter({ hasText: /^You will be signed out in .+ for inactivity\.$/ }).waitFor({ timeout: IDLE_MS })
    const reads = countRequestsTo(page, '/api/session')
    await page.getByTestId('stay-signed-in').click()
    await page.waitForFunction(() => document.querySelector('[data-testid="idle-warning"]')?.textContent === '')
    expect(reads()).toBe(1)
    // That the request restarts the server's idle clock is the API's to test: it moves a
    // session's last_seen_at at most once a minute, so not within a 30-second timeout.
    await context.close()
  })
})
