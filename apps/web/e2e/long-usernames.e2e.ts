import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Browser, Page } from 'playwright-core'
import { signIn } from './support/app'
import type { RunningServer } from './support/server'
import { startAppWithAdmin, stopApp } from './support/suite'

/** The longest username the server allows: 64 characters, no spaces to break at. */
const LONG = { username: `${'verylongname'.repeat(5)}abcd`, password: 'long-name-password-1' }

describe('a 64-character username', () => {
  let server: RunningServer
  let browser: Browser

  beforeAll(async () => {
    expect(LONG.username).toHaveLength(64)
    ;({ server, browser } = await startAppWithAdmin({ users: [{ ...LONG, roles: ['admin'] }] }))
  })
  afterAll(() => stopApp({ server, browser }))

  /** How far the page scrolls sideways, and every element showing the name that is cut without a title. */
  const measure = (page: Page, name: string) =>
    page.evaluate((name) => {
      const holders = [...document.querySelectorAll<HTMLElement>('body *')].filter(
        (el) => [...el.childNodes].some((node) => node.nodeType === Node.TEXT_NODE && node.textContent?.trim() === name),
      )
      return {
        scrollWidth: document.documentElement.scrollWidth,
        holders: holders.length,
        cutWithoutTitle: holders
          .filter((el) => el.scrollWidth > el.clientWidth + 1 && el.closest('[title]')?.getAttribute('title') !== name)
          .map((el) => el.outerHTML.slice(0, 120)),
      }
    }, name)

  for (const width of [1440, 390]) {
    it(`at ${width} px nothing scrolls sideways; the name wraps or is shortened with the full name in its title`, async () => {
      const context = await browser.newContext({ locale: 'en-US', viewport: { width, height: 900 } })
      const page = await context.newPage()
      await page.goto(`${server.baseURL}/notes`)
      await signIn(page, LONG)
      await page.getByRole('heading', { name: 'All notes' }).waitFor()
      await page.getByLabel('Note', { exact: true }).fill(`a note at ${width}`)
      await page.getByRole('button', { name: 'Post note' }).click()
      await page.getByRole('article').filter({ hasText: `a note at ${width}` }).waitFor()

      for (const path of ['/notes', '/users', '/sessions', '/audit', '/']) {
        await page.goto(`${server.baseURL}${path}`)
        await page.locator('main h1').waitFor()
        await page.waitForFunction(() => !document.body.innerText.includes('Loading…'))
        const seen = await measure(page, LONG.username)
        expect(seen.holders, path).toBeGreaterThan(0)
        expect(seen.scrollWidth, path).toBeLessThanOrEqual(width)
        expect(seen.cutWithoutTitle, path).toEqual([])
      }
      // In the header, the full name is the accessible one too.
      expect(await page.getByTestId('current-user').textContent()).toBe(LONG.username)
      expect(await page.locator(`[title="${LONG.username}"]`).filter({ has: page.getByTestId('current-user') }).count()).toBe(1)
      await context.close()
    })
  }
})
