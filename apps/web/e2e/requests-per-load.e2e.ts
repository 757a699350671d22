import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Browser, BrowserContext, Page } from 'playwright-core'
import { ADMIN, signIn, trackApiRequests } from './support/app'
import type { RunningServer } from './support/server'
import { startAppWithAdmin, stopApp } from './support/suite'

/** Every dashboard page an admin can open. */
const DASHBOARD_PAGES = ['/', '/notes', '/sessions', '/profile', '/users', '/audit', '/session'] as const

/** The API GETs one page load sends, as `GET /api/…?query`, in the order sent. */
function recordApiGets(page: Page): string[] {
  const sent: string[] = []
  page.on('request', (request) => {
    const url = new URL(request.url())
    if (request.method() === 'GET' && url.pathname.startsWith('/api/')) sent.push(`GET ${url.pathname}${url.search}`)
  })
  return sent
}

describe('what one page load asks the server', () => {
  let server: RunningServer
  let browser: Browser
  let context: BrowserContext

  beforeAll(async () => {
    ;({ server, browser } = await startAppWithAdmin())
    context = await browser.newContext({ locale: 'en-US' })
    const page = await context.newPage()
    await page.goto(`${server.baseURL}/login`)
    await signIn(page, ADMIN)
    await page.waitForURL((url) => url.pathname === '/')
    await page.close()
  })
  afterAll(async () => {
    await context?.close()
    await stopApp({ server, browser })
  })

  /** Opens `path` in a new tab (a full load: the session is restored from its cookie) and waits until the API is quiet. */
  async function load(path: string): Promise<string[]> {
    const page = await context.newPage()
    const sent = recordApiGets(page)
    const settled = trackApiRequests(page)
    await page.goto(`${server.baseURL}${path}`)
    await page.locator('h1').first().waitFor()
    await settled(500)
    await page.close()
    return sent
  }

  it('the dashboard reads GET /api/session exactly once per load, and once after signing in', async () => {
    const sent = await load('/')
    expect(sent.filter((request) => request === 'GET /api/session')).toHaveLength(1)

    const fresh = await browser.newContext({ locale: 'en-US' })
    const page = await fresh.newPage()
    await page.goto(`${server.baseURL}/login`)
    const afterSignIn = recordApiGets(page)
    const settled = trackApiRequests(page)
    await signIn(page, ADMIN)
    await page.getByTestId('session-ends').waitFor()
    await settled(500)
    expect(afterSignIn.filter((request) => request === 'GET /api/session')).toHaveLength(1)

    // A page opened later asks afresh: its data is current, and a session ended elsewhere shows.
    const nav = page.getByRole('navigation', { name: 'Main' })
    await nav.getByRole('link', { name: 'Notes' }).click()
    await page.getByRole('heading', { name: 'All notes' }).waitFor()
    await nav.getByRole('link', { name: 'Overview' }).click()
    await page.getByTestId('session-ends').waitFor()
    await settled(500)
    expect(afterSignIn.filter((request) => request === 'GET /api/session')).toHaveLength(2)
    await fresh.close()
  })

  it('no dashboard page sends the same GET twice on one load', async () => {
    const repeatedPerPage: Record<string, string[]> = {}
    for (const path of DASHBOARD_PAGES) {
      const sent = await load(path)
      repeatedPerPage[path] = sent.filter((request, index) => sent.indexOf(request) !== index)
    }
    expect(repeatedPerPage).toEqual(Object.fromEntries(DASHBOARD_PAGES.map((path) => [path, []])))
  })
})
