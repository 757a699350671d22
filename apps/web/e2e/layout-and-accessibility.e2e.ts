import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core'
import { ADMIN, PLAIN, signIn } from './support/app'
import { axeViolations } from './support/axe'
import type { RunningServer } from './support/server'
import { startAppWithAdmin, stopApp } from './support/suite'

/** Every page, with who sees it. */
const PAGES = [
  { path: '/login', as: null },
  { path: '/setup', as: null },
  { path: '/', as: ADMIN },
  { path: '/notes', as: ADMIN },
  { path: '/sessions', as: ADMIN },
  { path: '/profile', as: ADMIN },
  { path: '/users', as: ADMIN },
  { path: '/audit', as: ADMIN },
  { path: '/session', as: ADMIN },
  { path: '/forbidden?page=users', as: PLAIN },
  { path: '/no-such-page', as: null },
] as const

type Who = (typeof PAGES)[number]['as']

/** Visible, and not cut off by either edge of a `width`-wide screen. */
async function expectFullyInView(control: Locator, width: number, where: string): Promise<void> {
  const box = await control.boundingBox()
  expect(box, `${where} at ${width} px`).not.toBeNull()
  expect(box?.x ?? -1, `${where} at ${width} px`).toBeGreaterThanOrEqual(0)
  expect((box?.x ?? 0) + (box?.width ?? 0), `${where} at ${width} px`).toBeLessThanOrEqual(width)
}

describe('every page at every width, in both themes', () => {
  let server: RunningServer
  let browser: Browser
  const contexts = new Map<string, BrowserContext>()

  beforeAll(async () => {
    ;({ server, browser } = await startAppWithAdmin({ users: [PLAIN] }))
    // Something in every table: a note, a session item, an audit log with events.
    const login = await fetch(`${server.baseURL}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(ADMIN),
    })
    const { token } = (await login.json()) as { token: string }
    await fetch(`${server.baseURL}/api/notes`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', token },
      body: JSON.stringify({ text: 'A note long enough to wrap on a narrow screen, with a-very-long-word-that-does-not-break-anywhere-at-all' }),
    })
  })
  afterAll(async () => {
    for (const context of contexts.values()) await context.close()
    await stopApp({ server, browser })
  })

  /** One signed-in context per user, width and colour scheme, reused across pages. */
  async function pageFor(who: Who, width: number, colorScheme: 'light' | 'dark'): Promise<Page> {
    const key = `${who?.username ?? 'guest'}|${width}|${colorScheme}`
    let context = contexts.get(key)
    if (!context) {
      context = await browser.newContext({ viewport: { width, height: 800 }, colorScheme, locale: 'en-US' })
      contexts.set(key, context)
      if (who) {
        const page = await context.newPage()
        await page.goto(`${server.baseURL}/login`)
        await signIn(page, who)
        await page.waitForURL((url) => url.pathname === '/')
        await page.close()
      }
    }
    return context.newPage()
  }

  async function open(path: string, who: Who, width: number, colorScheme: 'light' | 'dark' = 'light'): Promise<Page> {
    const page = await pageFor(who, width, colorScheme)
    await page.goto(`${server.baseURL}${path}`)
    await page.locator('h1').first().waitFor()
    // Data-driven pages: wait until nothing says "Loading…".
    await page.waitForFunction(() => !document.body.innerText.includes('Loading…'))
    return page
  }

  for (const width of [320, 390, 768, 1024, 1440]) {
    it(`at ${width} px no page scrolls sideways, the header is one line, and the menu works`, async () => {
      for (const { path, as } of PAGES) {
        const page = await open(path, as, width)
        const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth)
        expect(overflow, `${path} at ${width} px`).toBeLessThanOrEqual(0)
        if (path === '/users') {
          // Every action of a user's row is on screen, none pushed off to the right at 390 px.
          const actions = page.getByTestId(`user-${PLAIN.username}`).getByRole('button')
          expect(await actions.count()).toBeGreaterThan(2)
          for (const action of await actions.all()) await expectFullyInView(action, width, `${await action.textContent()} on /users`)
        }
        if (width === 1440) {
          // No words meant for developers on screen: no raw codes (`wrong_password`), no code syntax.
          // Whole snake_case words only: a random id may hold a `_` (base64url), and is no code.
          expect(await page.evaluate(() => document.body.innerText), path).not.toMatch(/\b[a-z]+(?:_[a-z]+)+\b|`|\w\['|\bseed\b/)
        }
        if (as) {
          const header = await page.locator('.dash-header__inner').boundingBox()
          expect(header?.height ?? 0, `header height on ${path} at ${width} px`).toBeLessThanOrEqual(64)
          const menuButton = page.getByTestId('menu-button')
          if (width < 1024) {
            // The drawer: focus inside while open, Escape closes, focus back on the button.
            await menuButton.click()
            const drawer = page.getByRole('dialog', { name: 'Menu' })
            await drawer.waitFor()
            // Sign out is there and not clipped.
            await expectFullyInView(drawer.getByRole('button', { name: 'Sign out', exact: true }), width, `${path} drawer`)
            for (let i = 0; i < 25; i++) {
              await page.keyboard.press('Tab')
              expect(await page.evaluate(() => Boolean(document.activeElement?.closest('dialog[open]'))), `Tab ${i} on ${path}`).toBe(true)
            }
            await page.keyboard.press('Escape')
            await drawer.waitFor({ state: 'detached' })
            expect(await page.evaluate(() => document.activeElement?.getAttribute('data-testid'))).toBe('menu-button')
          } else {
            expect(await menuButton.isVisible()).toBe(false)
            // Every link fits: the row does not have to scroll.
            const navOverflow = await page.locator('.dash-header__nav').evaluate((nav) => nav.scrollWidth - nav.clientWidth)
            expect(navOverflow, `nav overflow on ${path} at ${width} px`).toBeLessThanOrEqual(0)
            expect(await page.getByRole('navigation', { name: 'Main' }).isVisible()).toBe(true)
            await expectFullyInView(page.getByRole('button', { name: 'Sign out', exact: true }), width, path)
          }
        }
        await page.close()
      }
    })
  }

  it('the drawer navigates: a link opens its page and closes the menu', async () => {
    const page = await open('/', ADMIN, 390)
    await page.getByTestId('menu-button').click()
    await page.getByRole('dialog', { name: 'Menu' }).getByRole('link', { name: 'Audit log' }).click()
    await page.waitForURL((url) => url.pathname === '/audit')
    await page.getByRole('dialog', { name: 'Menu' }).waitFor({ state: 'detached' })
    await page.close()
  })

  it('the axe check can fail: a planted unlabelled control is reported', async () => {
    const page = await open('/login', null, 390)
    await page.evaluate(() => document.querySelector('main')?.insertAdjacentHTML('beforeend', '<input type="text" data-planted>'))
    expect((await axeViolations(page)).some((line) => line.startsWith('label ('))).toBe(true)
    await page.close()
  })

  for (const width of [390, 1440]) {
    for (const colorScheme of ['light', 'dark'] as const) {
      it(`axe-core finds no violation of any impact on any page at ${width} px, ${colorScheme} theme`, async () => {
        const found: string[] = []
        for (const { path, as } of PAGES) {
          const page = await open(path, as, width, colorScheme)
          found.push(...(await axeViolations(page)).map((line) => `${path}: ${line}`))
          if (as && width < 1024 && path === '/') {
            // The open drawer too.
            await page.getByTestId('menu-button').click()
            await page.getByRole('dialog', { name: 'Menu' }).waitFor()
            found.push(...(await axeViolations(page)).map((line) => `${path} (menu open): ${line}`))
          }
          await page.close()
        }
        expect(found).toEqual([])
      })
    }
  }
})
