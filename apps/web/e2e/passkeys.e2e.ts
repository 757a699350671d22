import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { BrowserContext, CDPSession, Page } from 'playwright-core'
import { countNavigationsTo, signIn } from './support/app'
import { axeViolations } from './support/axe'
import { startAppWithAdmin, stopApp, type E2eApp } from './support/suite'

const ERIN = { username: 'erin', password: 'erin has a long password' }

async function signOut(page: Page): Promise<void> {
  await page.getByRole('button', { name: 'Sign out' }).click()
  await page.waitForURL((url) => url.pathname === '/login')
}

/**
 * Chromium's virtual authenticator (CDP): a platform authenticator with resident keys that
 * verifies its user. It answers every request at once, a waiting autofill request too.
 */
async function addVirtualAuthenticator(page: Page): Promise<{ cdp: CDPSession; authenticatorId: string }> {
  const cdp = await page.context().newCDPSession(page)
  await cdp.send('WebAuthn.enable')
  const { authenticatorId } = await cdp.send('WebAuthn.addVirtualAuthenticator', {
    options: { protocol: 'ctap2', transport: 'internal', hasResidentKey: true, hasUserVerification: true, isUserVerified: true, automaticPresenceSimulation: true },
  })
  return { cdp, authenticatorId }
}

describe('passkeys, in Chromium with a virtual authenticator', () => {
  let app: E2eApp
  let context: BrowserContext
  let page: Page
  let cdp: CDPSession
  let authenticatorId: string
  /** Passkeys need a name, not an IP address: the app on http://localhost:<port>, the origin the server expects by default. */
  let base: string

  beforeAll(async () => {
    app = await startAppWithAdmin({ users: [ERIN], env: { AUDIT_PER_ACCOUNT_PER_MINUTE: '1000', MAX_SESSIONS_PER_USER: '100' } })
    base = app.server.baseURL.replace('//127.0.0.1:', '//localhost:')
    context = await app.browser.newContext({ locale: 'en-US' })
    page = await context.newPage()
    // The virtual authenticator would answer the login page's autofill request before any
    // click: this page has no autofill, so the buttons are what is tested (autofill below).
    await page.addInitScript(() => {
      Object.defineProperty(PublicKeyCredential, 'isConditionalMediationAvailable', { value: async () => false })
    })
    ;({ cdp, authenticatorId } = await addVirtualAuthenticator(page))
  })
  afterAll(async () => {
    await context?.close()
    await stopApp(app)
  })

  it('hides the passkey buttons with a reason on the IP address the server listens on', async () => {
    await page.goto(`${app.server.baseURL}/login`)
    await page.getByTestId('passkey-unavailable').filter({ hasText: 'not an IP address' }).waitFor()
    expect(await page.getByRole('button', { name: 'Sign in with a passkey' }).count()).toBe(0)
  })

  it('enrols a passkey on the profile, signs out, and signs in with it alone', async () => {
    await page.goto(`${base}/profile`)
    await signIn(page, ERIN)
    const panel = page.getByTestId('passkeys')
    await panel.getByTestId('passkeys-none').waitFor()
    await panel.getByLabel('Name for a new passkey').fill('Laptop')
    await panel.getByRole('button', { name: 'Add a passkey' }).click()
    // The first second factor of the account: its recovery codes, once.
    const codes = panel.getByTestId('recovery-codes')
    await codes.waitFor()
    expect(await codes.locator('li').count()).toBe(10)
    await codes.getByRole('button', { name: 'I have saved them' }).click()
    await panel.getByTestId('passkey-name').filter({ hasText: 'Laptop' }).waitFor()
    expect(await panel.getByTestId('passkey-last-used').innerText()).toBe('Not used yet')
    const { credentials } = await cdp.send('WebAuthn.getCredentials', { authenticatorId })
    expect(credentials).toHaveLength(1)
    expect(credentials[0]?.isResidentCredential).toBe(true)
    expect(await axeViolations(page)).toEqual([])
    for (const width of [390, 320]) {
      await page.setViewportSize({ width, height: 800 })
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth)
      expect(overflow, `the profile at ${width} px`).toBe(0)
    }
    await page.setViewportSize({ width: 1280, height: 800 })

    await signOut(page)
    expect(await axeViolations(page)).toEqual([])
    await page.getByRole('button', { name: 'Sign in with a passkey' }).click()
    await page.waitForURL((url) => url.pathname !== '/login')
    await page.goto(`${base}/profile`)
    await page.getByTestId('passkey-last-used').filter({ hasText: 'Last used' }).waitFor()
    expect((await cdp.send('WebAuthn.getCredentials', { authenticatorId })).credentials[0]?.signCount).toBeGreaterThan(0)
  })

  it('asks for the passkey after the password, and signs in with it, back where the person was going', async () => {
    await signOut(page)
    await page.goto(`${base}/sessions`)
    await signIn(page, ERIN)
    const step = page.getByTestId('second-factor-step')
    await step.waitFor()
    expect(await axeViolations(page)).toEqual([])
    await step.getByRole('button', { name: 'Use a passkey' }).click()
    await page.waitForURL((url) => url.pathname === '/sessions')
  })

  it('offers the passkey in the username field\'s suggestions (conditional mediation), which signs in', async () => {
    const { credentials } = await cdp.send('WebAuthn.getCredentials', { authenticatorId })
    const other = await context.newPage()
    const virtual = await addVirtualAuthenticator(other)
    for (const credential of credentials) await virtual.cdp.send('WebAuthn.addCredential', { authenticatorId: virtual.authenticatorId, credential })
    await page.goto(`${base}/profile`)
    await signOut(page)
    // Nothing typed, nothing clicked: the virtual authenticator picks the one suggestion at once.
    const loginPages = countNavigationsTo(other, '/login')
    await other.goto(`${base}/notes`)
    await other.getByRole('button', { name: 'Sign out' }).waitFor()
    expect(new URL(other.url()).pathname).toBe('/notes')
    expect(loginPages()).toBeGreaterThan(0)
    await other.close()
  })
})

describe('a step-up with a passkey, in Chromium with a virtual authenticator', () => {
  /** A short step-up window: the sign-in is too old for a dangerous action after a few seconds. */
  const WINDOW_S = 5
  let app: E2eApp

  beforeAll(async () => {
    app = await startAppWithAdmin({ users: [ERIN], env: { STEP_UP_MAX_AGE: `${WINDOW_S}s` } })
  })
  afterAll(() => stopApp(app))

  it('new recovery codes after the sign-in went stale: the dialog offers the passkey first, and the action completes by itself', async () => {
    const base = app.server.baseURL.replace('//127.0.0.1:', '//localhost:')
    const context = await app.browser.newContext({ locale: 'en-US' })
    const page = await context.newPage()
    await page.addInitScript(() => {
      Object.defineProperty(PublicKeyCredential, 'isConditionalMediationAvailable', { value: async () => false })
    })
    const { cdp, authenticatorId } = await addVirtualAuthenticator(page)
    await page.goto(`${base}/profile`)
    await signIn(page, ERIN)
    const panel = page.getByTestId('passkeys')
    await panel.getByLabel('Name for a new passkey').fill('Laptop')
    await panel.getByRole('button', { name: 'Add a passkey' }).click()
    await panel.getByTestId('recovery-codes').getByRole('button', { name: 'I have saved them' }).click()
    await panel.getByTestId('passkey-name').filter({ hasText: 'Laptop' }).waitFor()
    const signCount = (await cdp.send('WebAuthn.getCredentials', { authenticatorId })).credentials[0]?.signCount ?? 0

    await page.waitForTimeout((WINDOW_S + 1) * 1000)
    await panel.getByRole('button', { name: 'New recovery codes' }).click()
    const stepUp = page.getByRole('dialog', { name: 'Confirm it is you' })
    await stepUp.getByTestId('step-up-passkey').waitFor()
    expect(await axeViolations(page)).toEqual([])
    await stepUp.getByRole('button', { name: 'Confirm' }).click()
    // The refused request is sent again once the passkey proved it: ten new codes, no second click.
    await panel.getByTestId('recovery-codes').waitFor()
    expect(await panel.getByTestId('recovery-codes').locator('li').count()).toBe(10)
    expect(await stepUp.count()).toBe(0)
    expect((await cdp.send('WebAuthn.getCredentials', { authenticatorId })).credentials[0]?.signCount).toBeGreaterThan(signCount)
    await context.close()
  })
})
