import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Browser } from 'playwright-core'
import {
  ADMIN,
  captureToken,
  countNavigations,
  countNavigationsTo,
  location,
  revokeWithToken,
  signIn,
  signInAgainDialog,
  trackApiRequests,
} from './support/app'
import type { RunningServer } from './support/server'
import { startAppWithAdmin, stopApp } from './support/suite'

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

describe('when the session ends', () => {
  let server: RunningServer
  let browser: Browser

  beforeAll(async () => {
    ;({ server, browser } = await startAppWithAdmin())
  })
  afterAll(() => stopApp({ server, browser }))

  it('in the middle of work: the next action asks to sign in again in place, and what was typed is sent', async () => {
    const context = await browser.newContext()
    const page = await context.newPage()
    const token = captureToken(page)
    const apiSettled = trackApiRequests(page)
    await page.goto(`${server.baseURL}/notes`)
    await signIn(page, ADMIN)
    await page.getByRole('heading', { name: 'All notes' }).waitFor()
    // After signing in the app reads the session's lifetime and the notes in the background;
    // revoking while one of them is in flight would end the session before the action under test.
    await apiSettled()
    const navigations = countNavigations(page)

    const text = `Typed before the session ended ${Date.now()}`
    await page.getByLabel('Note', { exact: true }).fill(text)
    // Revoke from outside the browser: logout with the page's own token.
    await revokeWithToken(server, token())
    await page.getByRole('button', { name: 'Post note' }).click()

    const dialog = signInAgainDialog(page)
    await dialog.waitFor()
    expect(await dialog.getByLabel('Username').inputValue()).toBe(ADMIN.username)
    await dialog.getByLabel('Password', { exact: true }).fill(ADMIN.password)
    await dialog.getByRole('button', { name: 'Sign in' }).click()

    await page.getByRole('article').filter({ hasText: text }).waitFor()
    await dialog.waitFor({ state: 'detached' })
    expect(await page.getByTestId('notes-message').textContent()).toContain('Note posted.')
    expect(await page.getByLabel('Note', { exact: true }).inputValue()).toBe('')
    expect(navigations()).toBe(0)
    expect(location(page)).toBe('/notes')
    await context.close()
  })

  it('Cancel in the dialog shows the login page exactly once; a reload with the dead session does too, without a dialog', async () => {
    const context = await browser.newContext()
    const page = await context.newPage()
    const token = captureToken(page)
    const apiSettled = trackApiRequests(page)
    const toLogin = countNavigationsTo(page, '/login')

    await page.goto(`${server.baseURL}/notes`)
    await signIn(page, ADMIN)
    await page.getByRole('heading', { name: 'All notes' }).waitFor()
    // After signing in the app reads the session's lifetime and the notes in the background;
    // revoking while one of them is in flight would end the session before the action under test.
    await apiSettled()
    await revokeWithToken(server, token())

    const before = toLogin()
    await page.getByLabel('Note', { exact: true }).fill('This will not be saved')
    await page.getByRole('button', { name: 'Post note' }).click()
    const dialog = signInAgainDialog(page)
    await dialog.waitFor()
    await dialog.getByRole('button', { name: 'Cancel' }).click()
    await page.waitForURL((url) => url.pathname === '/login')
    await pause(1000)
    expect(toLogin() - before).toBe(1)
    expect(location(page)).toBe('/login?redirect=/notes&reason=ended')

    // A reload with the dead session: the login page, once, with the form on it, and no dialog.
    await page.goto(`${server.baseURL}/notes?x=1`)
    await page.getByRole('button', { name: 'Sign in' }).waitFor()
    const afterReload = toLogin()
    await pause(1000)
    expect(toLogin()).toBe(afterReload)
    expect(new URL(page.url()).searchParams.get('redirect')).toBe('/notes?x=1')
    expect(await page.getByRole('dialog').count()).toBe(0)
    await context.close()
  })

  it('signing out in one tab takes every other tab to the login page within ~1.5 s, without a dialog', async () => {
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
    expect(await second.getByRole('dialog').count()).toBe(0)
    await context.close()
  })
})
