import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Browser, BrowserContext, Page } from 'playwright-core'
import { signIn, signInAgainDialog } from './support/app'
import type { RunningServer } from './support/server'
import { startAppWithAdmin, stopApp } from './support/suite'

/** Two browser contexts are two devices: separate cookie jars, no shared tabs. */
async function device(browser: Browser, server: RunningServer, path: string, user: { username: string; password: string }) {
  const context = await browser.newContext()
  const page = await context.newPage()
  await page.goto(`${server.baseURL}${path}`)
  await signIn(page, user)
  return { context, page }
}

describe('sessions on two devices', () => {
  let server: RunningServer
  let browser: Browser
  const contexts: BrowserContext[] = []

  beforeAll(async () => {
    ;({ server, browser } = await startAppWithAdmin({
      users: [
        { username: 'carol', password: 'carol has a long password' },
        { username: 'dave', password: 'dave has a long password' },
      ],
    }))
  })
  afterAll(async () => {
    for (const context of contexts) await context.close()
    await stopApp({ server, browser })
  })

  it('device A ends device B’s session from the Sessions view; B’s next action asks B to sign in again', async () => {
    const b = await device(browser, server, '/notes', { username: 'carol', password: 'carol has a long password' })
    contexts.push(b.context)
    await b.page.getByRole('heading', { name: 'All notes' }).waitFor()
    const a = await device(browser, server, '/sessions', { username: 'carol', password: 'carol has a long password' })
    contexts.push(a.context)

    const table = a.page.getByTestId('sessions-table')
    await table.waitFor()
    const rows = table.locator('tbody tr')
    expect(await rows.count()).toBe(2)
    const thisDevice = rows.filter({ hasText: 'this device' })
    const other = rows.filter({ hasNotText: 'this device' })
    expect(await thisDevice.count()).toBe(1)
    await other.getByRole('button', { name: /^End the session on/ }).click()
    const confirm = a.page.getByRole('dialog', { name: 'End this session?' })
    await confirm.getByRole('button', { name: 'End session' }).click()
    await a.page.getByTestId('sessions-message').filter({ hasText: 'Session ended' }).waitFor()
    expect(await rows.count()).toBe(1)

    await b.page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Overview' }).click()
    await signInAgainDialog(b.page).waitFor()
    expect(await a.page.getByRole('dialog').count()).toBe(0) // A stays signed in
  })

  it('a password change on A ends B’s session; B signs in in the dialog with the new password and carries on', async () => {
    const dave = { username: 'dave', password: 'dave has a long password' }
    const newPassword = 'seven purple otters juggling'
    const b: { context: BrowserContext; page: Page } = await device(browser, server, '/notes', dave)
    contexts.push(b.context)
    await b.page.getByRole('heading', { name: 'All notes' }).waitFor()
    const a = await device(browser, server, '/profile', dave)
    contexts.push(a.context)

    await a.page.getByLabel('Current password').fill(dave.password)
    await a.page.getByLabel('New password', { exact: true }).fill(newPassword)
    await a.page.getByLabel('New password again').fill(newPassword)
    await a.page.getByRole('button', { name: 'Change password' }).click()
    await a.page.getByTestId('password-message').filter({ hasText: 'Password changed. 1 other session ended.' }).waitFor()

    const text = `Written on B ${Date.now()}`
    await b.page.getByLabel('Note', { exact: true }).fill(text)
    await b.page.getByRole('button', { name: 'Post note' }).click()
    const dialog = signInAgainDialog(b.page)
    await dialog.waitFor()
    await dialog.getByLabel('Password', { exact: true }).fill(newPassword)
    await dialog.getByLabel('Password', { exact: true }).press('Enter')
    await b.page.getByRole('article').filter({ hasText: text }).waitFor()
    await dialog.waitFor({ state: 'detached' })
    expect(new URL(b.page.url()).pathname).toBe('/notes')
  })
})
