import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Browser, BrowserContext, Page } from 'playwright-core'
import { ADMIN, signIn } from './support/app'
import type { RunningServer } from './support/server'
import { startAppWithAdmin, stopApp } from './support/suite'

/** Pastes text into the focused field as a clipboard paste would (one `insertText`, no key presses). */
async function paste(page: Page, selector: string, text: string): Promise<void> {
  await page.locator(selector).focus()
  await page.keyboard.insertText(text)
}

describe('input past a limit is kept, measured and held back, never cut', () => {
  let server: RunningServer
  let browser: Browser
  const contexts: BrowserContext[] = []

  beforeAll(async () => {
    ;({ server, browser } = await startAppWithAdmin())
  })
  afterAll(async () => {
    for (const context of contexts) await context.close()
    await stopApp({ server, browser })
  })

  async function signedIn(path: string): Promise<Page> {
    const context = await browser.newContext({ locale: 'en-US' })
    contexts.push(context)
    const page = await context.newPage()
    await page.goto(`${server.baseURL}${path}`)
    await signIn(page, ADMIN)
    await page.waitForURL((url) => url.pathname === path)
    return page
  }

  it('an 80-character username stays 80 characters, says it is 16 over, and Create waits until it fits', async () => {
    const page = await signedIn('/users')
    await page.getByRole('button', { name: 'New user' }).click()
    const dialog = page.getByRole('dialog', { name: 'New user' })
    await paste(page, '#create-username', 'a'.repeat(80))
    expect(await page.locator('#create-username').inputValue()).toHaveLength(80)
    await dialog.getByText('16 characters over the limit of 64: shorten it to continue.').waitFor()
    const create = dialog.getByRole('button', { name: 'Create user' })
    expect(await create.isDisabled()).toBe(true)
    expect(await page.locator('#create-username').getAttribute('aria-invalid')).toBe('true')

    await page.locator('#create-username').press('End')
    for (let i = 0; i < 16; i++) await page.locator('#create-username').press('Backspace')
    expect(await create.isDisabled()).toBe(false)
    expect(await dialog.getByText(/over the limit/).count()).toBe(0)
  })

  it('a pasted 10,000-character note stays whole, the counter says 8000 over, and Post waits until it fits', async () => {
    const page = await signedIn('/notes')
    await paste(page, '#note-text', 'x'.repeat(10_000))
    expect(await page.locator('#note-text').inputValue()).toHaveLength(10_000)
    expect(await page.getByTestId('note-remaining').textContent()).toBe('8,000 characters over the limit of 2,000: shorten the note to post it.')
    const post = page.getByRole('button', { name: 'Post note' })
    expect(await post.isDisabled()).toBe(true)

    await page.locator('#note-text').fill('x'.repeat(2000))
    expect(await post.isDisabled()).toBe(false)
    expect(await page.getByTestId('note-remaining').textContent()).toMatch(/^0 characters left/)
  })
})
