import { execFileSync } from 'node:child_process'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Page } from 'playwright-core'
import { ADMIN, PLAIN, countRequestsTo, signIn } from './support/app'
import { axeViolations } from './support/axe'
import { startAppWithAdmin, stopApp, type E2eApp } from './support/suite'

/** A short step-up window, so a sign-in is "too old" after a few seconds of real time. */
const STEP_UP_SECONDS = 3
const ERIN = { username: 'erin', password: 'erin has a long password' }

/** A code computed outside the app, by oathtool (RFC 6238), `ahead` 30-second steps later. */
function totpNow(secret: string, ahead = 0): string {
  return execFileSync('oathtool', ['--totp', '-b', '-N', `now + ${ahead * 30} seconds`, secret], { encoding: 'utf8' }).trim()
}

/** Turns Erin's authenticator app on through the API; her recovery codes and the secret. */
async function enrolWithApi(baseURL: string): Promise<{ secret: string; recoveryCodes: string[] }> {
  const call = async (path: string, token: string | null, body: unknown): Promise<Record<string, unknown>> => {
    const response = await fetch(`${baseURL}/api${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(token ? { token } : {}) },
      body: JSON.stringify(body),
    })
    if (!response.ok) throw new Error(`POST ${path} answered ${response.status}: ${await response.text()}`)
    return (await response.json()) as Record<string, unknown>
  }
  const token = String((await call('/auth/login', null, ERIN)).token)
  const secret = String((await call('/me/second-factors/totp', token, {})).secret)
  const confirmed = await call('/me/second-factors/totp/confirm', token, { code: totpNow(secret) })
  return { secret, recoveryCodes: confirmed.recoveryCodes as string[] }
}

describe('an admin action that asks for step-up, in Chromium', () => {
  let app: E2eApp

  beforeAll(async () => {
    app = await startAppWithAdmin({ users: [PLAIN, ERIN], env: { STEP_UP_MAX_AGE: `${STEP_UP_SECONDS}s` } })
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

  it('with an authenticator app on, the dialog asks for its code first; new recovery codes then appear by themselves', async () => {
    const { secret, recoveryCodes } = await enrolWithApi(app.server.baseURL)
    const context = await app.browser.newContext({ locale: 'en-US' })
    const page = await context.newPage()
    await page.goto(`${app.server.baseURL}/profile`)
    await signIn(page, ERIN)
    const step = page.getByTestId('second-factor-step')
    await step.getByRole('button', { name: 'Use a recovery code' }).click()
    await page.getByLabel('Recovery code').fill(recoveryCodes[0] ?? '')
    await page.getByLabel('Recovery code').press('Enter')
    const panel = page.getByTestId('authenticator-app')
    await panel.getByTestId('recovery-codes-left').filter({ hasText: '9 recovery codes left' }).waitFor()
    await page.waitForTimeout((STEP_UP_SECONDS + 1) * 1000)

    await panel.getByRole('button', { name: 'New recovery codes' }).click()
    const stepUp = page.getByRole('dialog', { name: 'Confirm it is you' })
    const code = stepUp.getByLabel('Code from the app')
    await code.waitFor()
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('step-up-code')
    expect(await code.getAttribute('autocomplete')).toBe('one-time-code')
    await stepUp.getByRole('button', { name: 'Use a recovery code' }).waitFor()
    expect(await axeViolations(page)).toEqual([])
    // The code of the enrolment's step is used up: the next step's code, within the drift allowed.
    await code.fill(totpNow(secret, 1))
    await stepUp.getByRole('button', { name: 'Confirm' }).click()
    await panel.getByTestId('recovery-codes').waitFor()
    expect(await panel.getByTestId('recovery-codes').locator('li').count()).toBe(10)
    await stepUp.waitFor({ state: 'detached' })
    await context.close()
  })
})
