import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Browser, Page } from 'playwright-core'
import { ADMIN, signIn } from './support/app'
import type { RunningServer } from './support/server'
import { startAppWithAdmin, stopApp } from './support/suite'

describe('the session & cookies view', () => {
  let server: RunningServer
  let browser: Browser
  let page: Page

  beforeAll(async () => {
    ;({ server, browser } = await startAppWithAdmin())
    page = await browser.newPage()
    await page.goto(`${server.baseURL}/session`)
    await signIn(page, ADMIN)
    await page.getByRole('heading', { name: 'Session & cookies' }).waitFor()
  })
  afterAll(() => stopApp({ server, browser }))

  it('sets, reads, removes and clears session items', async () => {
    const items = page.getByRole('region', { name: 'Kept with your session' })
    await items.getByLabel('Key', { exact: true }).fill('username')
    await items.getByLabel('Value', { exact: true }).fill('root')
    await items.getByRole('button', { name: 'Save', exact: true }).click()
    await items.getByText('Saved “username”.').waitFor()
    await items.getByRole('cell', { name: 'root', exact: true }).waitFor()

    await items.getByLabel('Look up one key').fill('username')
    await items.getByRole('button', { name: 'Read' }).click()
    expect(await items.getByTestId('item-read-result').textContent()).toContain('username = root')

    await items.getByLabel('Look up one key').fill('nothing-here')
    await items.getByRole('button', { name: 'Read' }).click()
    await items.getByText('Nothing is stored under nothing-here.').waitFor()

    await items.getByRole('button', { name: 'Remove username' }).click()
    await items.getByText('Removed “username”.').waitFor()
    await items.getByText('Nothing stored yet.').waitFor()

    for (const key of ['a', 'b']) {
      await items.getByLabel('Key', { exact: true }).fill(key)
      await items.getByLabel('Value', { exact: true }).fill(`value ${key}`)
      await items.getByRole('button', { name: 'Save', exact: true }).click()
      await items.getByRole('cell', { name: `value ${key}` }).waitFor()
    }
    await items.getByRole('button', { name: 'Clear all' }).click()
    // Asked first: Cancel keeps both, Clear all in the dialog removes them.
    const confirm = page.getByRole('dialog', { name: 'Remove every entry?' })
    await confirm.getByRole('button', { name: 'Cancel' }).click()
    await items.getByRole('cell', { name: 'value a' }).waitFor()
    await items.getByRole('button', { name: 'Clear all' }).click()
    await confirm.getByRole('button', { name: 'Clear all' }).click()
    await items.getByText('Nothing stored yet.').waitFor()
    // The buttons went with the rows: focus is on the message, not on <body>.
    expect(await page.evaluate(() => document.activeElement?.textContent?.trim())).toBe('Removed every entry.')
  })

  it('sets a signed cookie with a max-age, reads it back, deletes it; the page itself cannot read it', async () => {
    const cookies = page.getByRole('region', { name: 'Cookies' })
    await cookies.getByLabel('Name', { exact: true }).fill('pass')
    await cookies.getByLabel('Value', { exact: true }).fill('123456')
    await cookies.getByLabel('Signed').check()
    await cookies.getByLabel('Keep for (seconds, optional)').fill('600')
    await cookies.getByRole('button', { name: 'Save cookie' }).click()
    await cookies.getByText('Saved cookie “pass” (signed).').waitFor()
    await cookies.getByRole('cell', { name: 'valid', exact: true }).waitFor()

    await cookies.getByLabel('Look up one cookie').fill('pass')
    await cookies.getByRole('button', { name: 'Read' }).click()
    const result = await cookies.getByTestId('cookie-read-result').textContent()
    expect(result).toContain('pass = 123456')
    expect(result).toContain('signature checks out')

    expect(await page.evaluate(() => document.cookie)).not.toContain('pass')

    await cookies.getByRole('button', { name: 'Delete cookie pass' }).click()
    await cookies.getByText('No cookies yet.').waitFor()
  })
})
