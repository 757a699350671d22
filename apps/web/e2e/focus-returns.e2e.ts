import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Browser, BrowserContext, Page } from 'playwright-core'
import { ADMIN, captureToken, revokeWithToken, signIn, signInAgainDialog, trackApiRequests } from './support/app'
import type { RunningServer } from './support/server'
import { startAppWithAdmin, stopApp } from './support/suite'

/** The focused element as `tag#id` or `tag "text"` (`body` is the failure). */
const focused = (page: Page) =>
  page.evaluate(() => {
    const el = document.activeElement
    if (!el) return 'none'
    const tag = el.tagName.toLowerCase()
    return el.id ? `${tag}#${el.id}` : tag === 'body' ? 'body' : `${tag} "${el.textContent?.trim()}"`
  })

describe('focus goes back to where the person was, never to <body>', () => {
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

  async function freshPage(): Promise<Page> {
    const context = await browser.newContext({ locale: 'en-US' })
    contexts.push(context)
    return context.newPage()
  }

  it('after signing in: on the heading of the page that opens', async () => {
    const page = await freshPage()
    await page.goto(`${server.baseURL}/login`)
    await signIn(page, ADMIN)
    await page.getByRole('heading', { level: 1, name: 'Overview' }).waitFor()
    await page.waitForFunction(() => document.activeElement?.tagName === 'H1')
    expect(await focused(page)).toBe('h1 "Overview"')
  })

  it('after Post note, by click and by Ctrl+Enter: back in the note box', async () => {
    const page = await freshPage()
    await page.goto(`${server.baseURL}/notes`)
    await signIn(page, ADMIN)
    await page.getByRole('heading', { name: 'All notes' }).waitFor()
    const box = page.getByLabel('Note', { exact: true })

    await box.fill('posted with a click')
    await page.getByRole('button', { name: 'Post note' }).click()
    await page.getByRole('article').filter({ hasText: 'posted with a click' }).waitFor()
    await page.waitForFunction(() => document.activeElement?.id === 'note-text')
    expect(await focused(page)).toBe('textarea#note-text')

    await box.fill('posted with the keyboard')
    await box.press('Control+Enter')
    await page.getByRole('article').filter({ hasText: 'posted with the keyboard' }).waitFor()
    await page.waitForFunction(() => document.activeElement?.id === 'note-text')
    expect(await focused(page)).toBe('textarea#note-text')
  })

  it('after the sign-in-again dialog that Post note opened: back in the note box, the note posted', async () => {
    const page = await freshPage()
    const token = captureToken(page)
    const settled = trackApiRequests(page)
    await page.goto(`${server.baseURL}/notes`)
    await signIn(page, ADMIN)
    await page.getByRole('heading', { name: 'All notes' }).waitFor()
    await settled()
    await revokeWithToken(server, token())
    await page.getByLabel('Note', { exact: true }).fill('typed before the session ended')
    await page.getByRole('button', { name: 'Post note' }).click()
    const dialog = signInAgainDialog(page)
    await dialog.waitFor()
    await dialog.getByLabel('Password', { exact: true }).fill(ADMIN.password)
    await dialog.getByRole('button', { name: 'Sign in' }).click()
    await page.getByRole('article').filter({ hasText: 'typed before the session ended' }).waitFor()
    await page.waitForFunction(() => document.activeElement?.id === 'note-text')
    expect(await focused(page)).toBe('textarea#note-text')
  })

  it('after the sign-in-again dialog: on the control that opened it', async () => {
    const page = await freshPage()
    const token = captureToken(page)
    const settled = trackApiRequests(page)
    await page.goto(`${server.baseURL}/audit`)
    await signIn(page, ADMIN)
    await page.getByTestId('audit-table').waitFor()
    await settled()
    await revokeWithToken(server, token())
    // Choosing a kind reads the log again: the answer is a 401, and the dialog asks to sign in.
    // As a keyboard user would: on the select, then a choice.
    await page.locator('#audit-kind').focus()
    await page.locator('#audit-kind').selectOption('logout')
    const dialog = signInAgainDialog(page)
    await dialog.waitFor()
    await dialog.getByLabel('Password', { exact: true }).fill(ADMIN.password)
    await dialog.getByRole('button', { name: 'Sign in' }).click()
    await dialog.waitFor({ state: 'detached' })
    await settled()
    await page.evaluate(() => {
      const log: string[] = ((window as unknown as { flog: string[] }).flog = [])
      document.addEventListener('focusin', (e) => log.push(`in ${(e.target as Element).tagName}#${(e.target as Element).id}`), true)
      document.addEventListener('focusout', (e) => log.push(`out ${(e.target as Element).tagName}#${(e.target as Element).id} ${(e.target as Element).isConnected}`), true)
    })
    expect(await focused(page)).toBe('select#audit-kind')
  })
})
