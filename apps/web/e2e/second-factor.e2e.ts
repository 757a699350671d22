import { execFileSync } from 'node:child_process'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Page } from 'playwright-core'
import { location, signIn } from './support/app'
import { axeViolations } from './support/axe'
import { startAppWithAdmin, stopApp, type E2eApp } from './support/suite'

const ERIN = { username: 'erin', password: 'erin has a long password' }

/** A code computed outside the app, by oathtool (RFC 6238: 30 s, 6 digits, SHA-1); `ahead` steps later. */
function totpNow(secret: string, ahead = 0): string {
  return execFileSync('oathtool', ['--totp', '-b', '-N', `now + ${ahead * 30} seconds`, secret], { encoding: 'utf8' }).trim()
}

async function noHorizontalScroll(page: Page, width: number, what: string): Promise<void> {
  await page.setViewportSize({ width, height: 800 })
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth)
  expect(overflow, `${what} at ${width} px`).toBe(0)
}

async function signOut(page: Page): Promise<void> {
  await page.getByRole('button', { name: 'Sign out' }).click()
  await page.waitForURL((url) => url.pathname === '/login')
}

describe('the authenticator app and recovery codes, in Chromium', () => {
  let app: E2eApp

  beforeAll(async () => {
    app = await startAppWithAdmin({ users: [ERIN], env: { AUDIT_PER_ACCOUNT_PER_MINUTE: '1000', MAX_SESSIONS_PER_USER: '100' } })
  })
  afterAll(() => stopApp(app))

  it('enrol from the profile, sign out, sign in with a code, a recovery code works once', async () => {
    const context = await app.browser.newContext({ locale: 'en-US' })
    const page = await context.newPage()
    await page.goto(`${app.server.baseURL}/profile`)
    await signIn(page, ERIN)
    const panel = page.getByTestId('authenticator-app')
    await panel.getByTestId('totp-state').filter({ hasText: 'Off' }).waitFor()
    await panel.getByRole('button', { name: 'Set up an authenticator app' }).click()

    // The QR code is an image the CSP allows (no violation is reported), and it loads.
    const qr = panel.getByRole('img', { name: 'QR code to add tokenauth to an authenticator app' })
    await qr.waitFor()
    expect(await qr.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth > 0)).toBe(true)
    const secret = await panel.getByTestId('totp-secret').getAttribute('data-secret')
    if (!secret) throw new Error('no secret on the page')
    expect(secret).toMatch(/^[A-Z2-7]+=*$/)
    // Focus is in the code field, ready to type.
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('totp-confirm-code')
    expect(await axeViolations(page)).toEqual([])
    for (const width of [390, 320]) await noHorizontalScroll(page, width, 'enrolment')
    await page.setViewportSize({ width: 1280, height: 800 })

    const first = totpNow(secret)
    await page.getByLabel('Then enter the six-digit code the app shows').fill(first)
    await page.getByRole('button', { name: 'Turn on' }).click()
    const codesBox = panel.getByTestId('recovery-codes')
    await codesBox.waitFor()
    const recoveryCodes = await codesBox.locator('li').allInnerTexts()
    expect(recoveryCodes).toHaveLength(10)
    expect(await axeViolations(page)).toEqual([])
    for (const width of [390, 320]) await noHorizontalScroll(page, width, 'recovery codes')
    await page.setViewportSize({ width: 1280, height: 800 })

    const download = page.waitForEvent('download')
    await codesBox.getByRole('button', { name: 'Download as text file' }).click()
    expect((await download).suggestedFilename()).toBe('tokenauth-recovery-codes-erin.txt')
    await codesBox.getByRole('button', { name: 'I have saved them' }).click()
    await panel.getByTestId('totp-state').filter({ hasText: 'On' }).waitFor()
    expect(await panel.getByTestId('recovery-codes-left').innerText()).toBe('10 recovery codes left')
    expect(await page.getByText(recoveryCodes[0] ?? '-').count()).toBe(0)

    // Sign out, and back in to the profile: the password, then the code in place.
    await page.goto(`${app.server.baseURL}/profile`)
    await signOut(page)
    await page.goto(`${app.server.baseURL}/sessions`)
    await signIn(page, ERIN)
    const step = page.getByTestId('second-factor-step')
    await step.waitFor()
    expect(await page.evaluate(() => document.activeElement?.getAttribute('autocomplete'))).toBe('one-time-code')
    expect(await axeViolations(page)).toEqual([])
    for (const width of [390, 320]) await noHorizontalScroll(page, width, 'second step')
    await page.setViewportSize({ width: 1280, height: 800 })

    // The code that turned the app on is spent; the next step's code (within the allowed drift) signs in.
    await page.keyboard.type(first)
    await page.keyboard.press('Enter')
    await step.getByRole('alert').filter({ hasText: 'That code is not correct, or was already used.' }).waitFor()
    await page.keyboard.type(totpNow(secret, 1))
    await page.keyboard.press('Enter')
    await page.waitForURL((url) => url.pathname === '/sessions')
    expect(location(page)).toBe('/sessions')

    // A recovery code signs in once.
    const recovery = recoveryCodes[0] ?? ''
    for (const attempt of ['first', 'second'] as const) {
      await signOut(page)
      await signIn(page, ERIN)
      await step.waitFor()
      await step.getByRole('button', { name: 'Use a recovery code' }).click()
      await page.getByLabel('Recovery code').fill(recovery)
      await page.getByLabel('Recovery code').press('Enter')
      if (attempt === 'first') {
        await page.waitForURL((url) => url.pathname !== '/login')
      } else {
        await step.getByRole('alert').filter({ hasText: 'That code is not correct, or was already used.' }).waitFor()
        expect(location(page)).toMatch(/^\/login/)
      }
    }
    await page.goto(`${app.server.baseURL}/profile`)
    // Now signed out (the refused attempt): sign in with another recovery code and see the count.
    await signIn(page, ERIN)
    await step.getByRole('button', { name: 'Use a recovery code' }).click()
    await page.getByLabel('Recovery code').fill(recoveryCodes[1] ?? '')
    await page.getByLabel('Recovery code').press('Enter')
    await page.getByTestId('recovery-codes-left').filter({ hasText: '8 recovery codes left' }).waitFor()
    await context.close()
  })
})
