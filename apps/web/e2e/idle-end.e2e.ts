import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Browser, Page } from 'playwright-core'
import { ADMIN, signIn, signInAgainDialog } from './support/app'
import type { RunningServer } from './support/server'
import { startAppWithAdmin, stopApp } from './support/suite'

/** A 30-second idle timeout: the warning a third of it (10 s) before the server's idle end. */
const IDLE_MS = 30_000

describe("the idle countdown follows the server's idle end", () => {
  let server: RunningServer
  let browser: Browser

  beforeAll(async () => {
    ;({ server, browser } = await startAppWithAdmin({ env: { SESSION_IDLE_TIMEOUT: `${IDLE_MS / 1000}s` } }))
  })
  afterAll(() => stopApp({ server, browser }))

  it('warns 10 s before the end (not earlier), and at zero every tab shows the sign-in-again dialog with its work kept', { timeout: 120_000 }, async () => {
    const context = await browser.newContext({ locale: 'en-US' })
    let lastAnswer = 0
    const watch = (page: Page) => page.on('response', (response) => new URL(response.url()).pathname.startsWith('/api/') && (lastAnswer = Date.now()))
    const first = await context.newPage()
    watch(first)
    await first.goto(`${server.baseURL}/notes`)
    await signIn(first, ADMIN)
    await first.getByRole('heading', { name: 'All notes' }).waitFor()
    const second = await context.newPage()
    watch(second)
    await second.goto(`${server.baseURL}/audit`)
    await second.getByTestId('audit-table').waitFor()
    await first.getByLabel('Note', { exact: true }).fill('typed before the idle end')
    // Quiet from here: the last answer is the server's last word on the idle end.
    await new Promise((resolve) => setTimeout(resolve, 1500))
    const quietSince = lastAnswer

    const warning = first.getByTestId('idle-warning')
    // The old count ended at half the timeout and warned at 5 s; the server's end is at 30 s.
    await first.waitForTimeout(Math.max(0, quietSince + 15_000 - Date.now()))
    expect(await warning.textContent()).toBe('')
    await warning.filter({ hasText: /^You will be signed out in .+ for inactivity\.$/ }).waitFor({ timeout: 10_000 })
    expect(Date.now() - quietSince).toBeGreaterThanOrEqual(IDLE_MS - 10_000 - 1000)

    // At zero, in both tabs, without a click: the dialog, and the page under it as it was.
    for (const page of [first, second]) await signInAgainDialog(page).waitFor({ timeout: 15_000 })
    expect(Date.now() - quietSince).toBeGreaterThanOrEqual(IDLE_MS)
    expect(await first.getByLabel('Note', { exact: true }).inputValue()).toBe('typed before the idle end')
    expect(new URL(first.url()).pathname).toBe('/notes')
    expect(new URL(second.url()).pathname).toBe('/audit')
    await context.close()
  })
})
