import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Browser, Page } from 'playwright-core'
import { ADMIN, signIn } from './support/app'
import type { RunningServer } from './support/server'
import { startAppWithAdmin, stopApp } from './support/suite'

const NEWCOMER = { username: 'carol', password: 'a long and unusual passphrase' }

describe('an admin manages users in the app', () => {
  let server: RunningServer
  let browser: Browser

  beforeAll(async () => {
    ;({ server, browser } = await startAppWithAdmin())
  })
  afterAll(() => stopApp({ server, browser }))

  async function signedIn(user: { username: string; password: string }): Promise<Page> {
    const context = await browser.newContext({ locale: 'en-US' })
    const page = await context.newPage()
    await page.goto(`${server.baseURL}/login`)
    await signIn(page, user)
    await page.waitForURL((url) => url.pathname === '/')
    return page
  }

  it('creates a user who then signs in; changes their role; deletes them', async () => {
    const admin = await signedIn(ADMIN)
    await admin.goto(`${server.baseURL}/users`)
    await admin.getByRole('button', { name: 'New user' }).click()
    const create = admin.getByRole('dialog', { name: 'New user' })
    await create.getByLabel('Username').fill(NEWCOMER.username)
    await create.getByLabel('Initial password', { exact: true }).fill(NEWCOMER.password)
    await create.getByLabel('Other roles (optional)').fill('editor')
    // She keeps this password (e2e/restricted-session.e2e.ts: when she must change it).
    await create.getByLabel('Must change the password at first sign-in').uncheck()
    await create.getByRole('button', { name: 'Create user' }).click()
    await admin.getByTestId('users-message').filter({ hasText: 'carol was created.' }).waitFor()
    const row = admin.getByTestId('user-carol')
    expect(await row.textContent()).toContain('editor')

    // Carol signs in on her own device and sees no admin pages.
    const carol = await signedIn(NEWCOMER)
    expect(await carol.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Users' }).count()).toBe(0)

    // The admin makes her an admin; at her next sign-in she has the Users page.
    await row.getByRole('button', { name: 'Roles of carol' }).click()
    const roles = admin.getByRole('dialog', { name: 'Roles of carol' })
    await roles.getByLabel('Admin: can manage users and read the audit log').check()
    // Just signed in, so no step-up is asked (e2e/step-up.e2e.ts: when it is).
    await roles.getByRole('button', { name: 'Save roles' }).click()
    await admin.getByTestId('users-message').filter({ hasText: 'Roles of carol: admin and editor.' }).waitFor()
    const carolAgain = await signedIn(NEWCOMER)
    await carolAgain.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Users' }).waitFor()

    // The search box finds her by name.
    await admin.getByLabel('Search users').fill('car')
    expect(await admin.locator('tbody tr').count()).toBe(1)
    await admin.getByLabel('Search users').fill('')

    // Deleted: asked first, then gone, and her sessions with her.
    await row.getByRole('button', { name: 'Delete carol' }).click()
    const remove = admin.getByRole('dialog', { name: 'Delete carol?' })
    await remove.getByRole('button', { name: 'Delete' }).click()
    await admin.getByTestId('users-message').filter({ hasText: 'carol was deleted.' }).waitFor()
    await row.waitFor({ state: 'detached' })
    expect(await admin.evaluate(() => document.activeElement?.getAttribute('data-testid'))).toBe('users-message')
    // Her session went with her: a reload cannot renew it and lands on the sign-in page.
    await carolAgain.reload()
    await carolAgain.waitForURL((url) => url.pathname === '/login')

    // The audit log has all three, in words.
    await admin.goto(`${server.baseURL}/audit`)
    for (const kind of ['User created', 'Roles changed', 'User deleted']) {
      await admin.getByRole('table').getByText(kind, { exact: true }).first().waitFor()
    }
    for (const page of [admin, carol, carolAgain]) await page.context().close()
  })
})
