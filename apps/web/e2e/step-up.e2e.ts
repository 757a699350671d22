import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Page } from 'playwright-core'
import { ADMIN, PLAIN, countRequestsTo, signIn } from './support/app'
import { axeViolations } from './support/axe'
import { startAppWithAdmin, stopApp, type E2eApp } from './support/suite'

/** A short step-up window, so a sign-in is "too old" after a few seconds of real time. */
const STEP_UP_SECONDS = 3

describe('an admin action that asks for step-up, in Chromium', () => {
  let app: E2eApp

  beforeAll(async () => {
    app = await startAppWithAdmin({ users: [PLAIN], env: { STEP_UP_MAX_AGE: `${STEP_UP_SECONDS}s` } })
  })
  afterAll(() => stopApp(app))

  async function adminOnUsersPage(): Promise<Page> {
    const context = await app.browser.newContext({ locale: 'en-US' })
    const page = await context.newPage()
    await page.goto(`${app.server.baseURL}/users`)
    await signIn(page, ADMIN)
    await page.getByTestId(`user-${PLAIN.username}`).waitFor()
    // The sign-in is a proof; wait until it is older than the window.
    await page.waitForTimeout((STEP_UP_SECONDS + 1) * 1000)
    return page
  }

  async function askToDisable(page: Page): Promise<void> {
    await page.getByRole('button', { name: `Disable ${PLAIN.username}` }).click()
    await page.getByRole('dialog', { name: `Disable ${PLAIN.username}?` }).getByRole('button', { name: 'Disable' }).click()
  }

  it('Cancel leaves the page as it was: the user stays active, nothing is said, nothing sent again', async () => {
    const page = await adminOnUsersPage()
    const disables = countRequestsTo(page, '/api/users/2/disable')
    await askToDisable(page)
    const stepUp = page.getByRole('dialog', { name: 'Confirm it is you' })
    await stepUp.getByLabel('Your password', { exact: true }).waitFor()
    await stepUp.getByRole('button', { name: 'Cancel' }).click()
    await stepUp.waitFor({ state: 'detached' })
    expect(await page.getByTestId(`user-${PLAIN.username}`).textContent()).toContain('active')
    expect((await page.getByTestId('users-message').textContent())?.trim()).toBe('')
    expect(disables()).toBe(1)
    await page.context().close()
  })

  it('disabling a user asks for the password, then completes without the admin clicking Disable again', async () => {
    const page = await adminOnUsersPage()
    const disables = countRequestsTo(page, '/api/users/2/disable')
    const stepUps = countRequestsTo(page, '/api/auth/step-up')
    await askToDisable(page)

    const stepUp = page.getByRole('dialog', { name: 'Confirm it is you' })
    const password = stepUp.getByLabel('Your password', { exact: true })
    await password.waitFor()
    // No second factor on this account: the password is what it asks, focused, and the dialog is clean for axe.
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('step-up-password')
    expect(await axeViolations(page)).toEqual([])

    await password.fill('not the password')
    await stepUp.getByRole('button', { name: 'Confirm' }).click()
    await stepUp.getByText('Incorrect username or password.').waitFor()
    await password.fill(ADMIN.password)
    await stepUp.getByRole('button', { name: 'Confirm' }).click()

    // The refused request was sent again by itself, once, and its result is on the page.
    await page.getByTestId('users-message').filter({ hasText: `${PLAIN.username} is disabled` }).waitFor()
    await stepUp.waitFor({ state: 'detached' })
    expect(await page.getByTestId(`user-${PLAIN.username}`).textContent()).toContain('disabled')
    expect(disables()).toBe(2)
    expect(stepUps()).toBe(2)

    // The audit log says so, in words.
    await page.goto(`${app.server.baseURL}/audit`)
    await page.getByRole('table').getByText('Identity confirmed again', { exact: true }).first().waitFor()
    await page.getByRole('table').getByText('Identity confirmation failed', { exact: true }).first().waitFor()
    await page.context().close()
  })
})
