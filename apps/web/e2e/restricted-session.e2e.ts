import { execFileSync } from 'node:child_process'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Page } from 'playwright-core'
import { ADMIN, location, signIn } from './support/app'
import { axeViolations } from './support/axe'
import { startAppWithAdmin, stopApp, type E2eApp } from './support/suite'

/** A code computed outside the app, by oathtool (RFC 6238: 30 s, 6 digits, SHA-1). */
function totpNow(secret: string): string {
  return execFileSync('oathtool', ['--totp', '-b', '-N', 'now', secret], { encoding: 'utf8' }).trim()
}

/** Nothing wider than a 320 px phone, then back to the desktop width. */
async function noHorizontalScroll(page: Page, what: string): Promise<void> {
  await page.setViewportSize({ width: 320, height: 700 })
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth)
  expect(overflow, `${what} at 320 px`).toBe(0)
  await page.setViewportSize({ width: 1280, height: 800 })
}

describe('a password an admin set must be changed at first sign-in, in Chromium', () => {
  let app: E2eApp
  beforeAll(async () => {
    app = await startAppWithAdmin({ env: { ADMIN_CONTACT: 'it-help@example.com' } })
  })
  afterAll(() => stopApp(app))

  it('the admin creates dora with a generated password; she signs in, is kept on the change-password page, changes it and carries on', async () => {
    const adminContext = await app.browser.newContext({ locale: 'en-US' })
    const admin = await adminContext.newPage()
    await admin.goto(`${app.server.baseURL}/users`)
    await signIn(admin, ADMIN)
    await admin.getByRole('button', { name: 'New user' }).click()
    const create = admin.getByRole('dialog', { name: 'New user' })
    await create.getByLabel('Username').fill('dora')
    await create.getByRole('button', { name: 'Generate a password' }).click()
    const generated = (await create.getByTestId('create-generated').innerText()).trim()
    expect(generated).toMatch(/^[A-HJ-NP-Za-km-z2-9]{20}$/)
    expect(await create.getByLabel('Initial password', { exact: true }).inputValue()).toBe(generated)
    expect(await create.getByLabel('Must change the password at first sign-in').isChecked()).toBe(true)
    expect(await axeViolations(admin)).toEqual([])
    await create.getByRole('button', { name: 'Create user' }).click()
    await admin.getByTestId('users-message').filter({ hasText: 'dora was created.' }).waitFor()

    const context = await app.browser.newContext({ locale: 'en-US' })
    const page = await context.newPage()
    await page.goto(`${app.server.baseURL}/notes`)
    // The login page says how to get back in, with the contact the operator configured.
    await page.getByTestId('forgot-password').filter({ hasText: 'Forgot your password? Ask an administrator: it-help@example.com' }).waitFor()
    await signIn(page, { username: 'dora', password: generated })
    await page.waitForURL((url) => url.pathname === '/change-password')
    await page.getByRole('heading', { name: 'Choose a new password' }).waitFor()
    expect(await axeViolations(page)).toEqual([])
    await noHorizontalScroll(page, 'the change-password page')
    // Notes stay closed, by the app and by the server.
    await page.goto(`${app.server.baseURL}/notes`)
    await page.waitForURL((url) => url.pathname === '/change-password')
    const token = await page.evaluate(async () => {
      const response = await fetch('/api/auth/refresh', { method: 'POST', headers: { 'x-tokenauth-refresh': '1' } })
      return ((await response.json()) as { token: string }).token
    })
    const refused = await fetch(`${app.server.baseURL}/api/notes`, { headers: { authorization: `Bearer ${token}` } })
    expect(refused.status).toBe(403)
    expect(((await refused.json()) as { error: { code: string } }).error.code).toBe('password_change_required')

    await page.getByLabel('Current password', { exact: true }).fill(generated)
    await page.getByLabel('New password', { exact: true }).fill('dora chooses her own words')
    await page.getByLabel('New password again', { exact: true }).fill('dora chooses her own words')
    await page.getByRole('button', { name: 'Change password' }).click()
    // On to where she was going.
    await page.waitForURL((url) => url.pathname === '/notes')
    await page.getByRole('heading', { name: 'All notes' }).waitFor()
    expect(location(page)).toBe('/notes')
    await context.close()
    await adminContext.close()
  })
})

describe('MFA_REQUIRED=everyone: a new user enrols a second factor before anything else, in Chromium', () => {
  let app: E2eApp
  const ERIN = { username: 'erin', password: 'erin has a long password' }
  beforeAll(async () => {
    app = await startAppWithAdmin({ users: [ERIN], env: { MFA_REQUIRED: 'everyone' } })
  })
  afterAll(() => stopApp(app))

  it('signs in to the enrolment page, enrols the authenticator app, then reaches the Overview', async () => {
    const context = await app.browser.newContext({ locale: 'en-US' })
    const page = await context.newPage()
    await page.goto(`${app.server.baseURL}/login`)
    await signIn(page, ERIN)
    await page.waitForURL((url) => url.pathname === '/set-up-second-factor')
    await page.getByRole('heading', { name: 'Set up a second factor' }).waitFor()
    await page.goto(`${app.server.baseURL}/notes`)
    await page.waitForURL((url) => url.pathname === '/set-up-second-factor')
    expect(await axeViolations(page)).toEqual([])
    await noHorizontalScroll(page, 'the enrolment page')

    const panel = page.getByTestId('authenticator-app')
    await panel.getByRole('button', { name: 'Set up an authenticator app' }).click()
    const secret = await panel.getByTestId('totp-secret').getAttribute('data-secret')
    if (!secret) throw new Error('no secret on the page')
    await page.getByLabel('Then enter the six-digit code the app shows').fill(totpNow(secret))
    await page.getByRole('button', { name: 'Turn on' }).click()
    await panel.getByTestId('recovery-codes').waitFor()
    // Only when she says so: the recovery codes are on screen to be saved first.
    await page.getByRole('button', { name: 'Continue' }).click()
    await page.waitForURL((url) => url.pathname === '/notes')
    await page.getByRole('heading', { name: 'All notes' }).waitFor()
    await page.goto(`${app.server.baseURL}/`)
    await page.getByRole('heading', { name: 'Overview' }).waitFor()
    await context.close()
  })
})
