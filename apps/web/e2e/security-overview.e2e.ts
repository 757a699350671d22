import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Browser, Page } from 'playwright-core'
import { ADMIN, PLAIN, signIn } from './support/app'
import { axeViolations } from './support/axe'
import type { RunningServer } from './support/server'
import { startAppWithAdmin, stopApp } from './support/suite'

/** Column sums of the Security card's table: bucket name, then one count per line. */
async function tableTotals(page: Page): Promise<{ head: string[]; totals: number[]; rows: number }> {
  return page.getByTestId('security-table').evaluate((table) => {
    const head = [...table.querySelectorAll('thead th')].map((th) => th.textContent?.trim() ?? '')
    const rows = [...table.querySelectorAll('tbody tr')].map((tr) => [...tr.querySelectorAll('td')].map((td) => Number((td.textContent ?? '').replace(/\D/g, ''))))
    const totals = head.slice(1).map((_, column) => rows.reduce((sum, row) => sum + (row[column] ?? 0), 0))
    return { head, totals, rows: rows.length }
  })
}

/** The chart's canvas: drawn, and inside the card. */
async function chartBox(page: Page) {
  const canvas = page.getByTestId('security-chart').locator('canvas').first()
  await canvas.waitFor()
  const card = await page.getByTestId('security-overview').boundingBox()
  const box = await canvas.boundingBox()
  return { card, box, pixels: await canvas.evaluate((c) => (c instanceof HTMLCanvasElement ? c.toDataURL() : '')) }
}

describe('the security overview on the Overview, for admins', () => {
  let server: RunningServer
  let browser: Browser
  const chartRequests: string[] = []

  beforeAll(async () => {
    ;({ server, browser } = await startAppWithAdmin({ users: [PLAIN], env: { LOGIN_FAILURES_PER_ACCOUNT: '2' } }))
    const login = (username: string, password: string) =>
      fetch(`${server.baseURL}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username, password }) })
    // Two wrong passwords for bob, then his right one: no wait yet (the throttle lets two go free).
    expect((await login(PLAIN.username, 'wrong guess one')).status).toBe(401)
    expect((await login(PLAIN.username, 'wrong guess two')).status).toBe(401)
    // The third try waits a second: refused unchecked.
    expect((await login(PLAIN.username, PLAIN.password)).status).toBe(429)
    await new Promise((resolve) => setTimeout(resolve, 1100))
    expect((await login(PLAIN.username, PLAIN.password)).status).toBe(200)
    // A name that does not exist, three times: two failures and one throttled try.
    expect((await login('mallory', 'guess one')).status).toBe(401)
    expect((await login('mallory', 'guess two')).status).toBe(401)
    expect((await login('mallory', 'guess three')).status).toBe(429)
  })
  afterAll(() => stopApp({ server, browser }))

  it('draws sign-ins, failed sign-ins and throttled tries, with the same numbers in a table; 30 days by the day', async () => {
    const context = await browser.newContext({ locale: 'en-US', viewport: { width: 1440, height: 900 } })
    const page = await context.newPage()
    page.on('request', (request) => {
      if (/SecurityChart-[^/]*\.js$/.test(request.url())) chartRequests.push(new URL(request.url()).pathname)
    })
    await page.goto(`${server.baseURL}/login`)
    await page.getByLabel('Username').waitFor()
    expect(chartRequests).toEqual([])
    await signIn(page, ADMIN)
    await page.getByRole('heading', { name: 'Security' }).waitFor()
    const { card, box } = await chartBox(page)
    expect(chartRequests).toHaveLength(1)
    expect(box?.width).toBeGreaterThan(300)
    expect(box?.height).toBeGreaterThan(150)
    expect((box?.x ?? 0) + (box?.width ?? 0)).toBeLessThanOrEqual((card?.x ?? 0) + (card?.width ?? 0))

    const hours = await tableTotals(page)
    expect(hours.head).toEqual(['Hour starting (UTC)', 'Sign-ins', 'Failed sign-ins', 'Throttled tries'])
    expect(hours.rows).toBe(24)
    // Bob's sign-in and the admin's own; bob's two and mallory's two; one each throttled.
    expect(hours.totals).toEqual([2, 4, 2])
    expect(await page.getByTestId('security-total-failed_sign_ins').textContent()).toContain('4')

    await page.getByTestId('security-range-30d').click()
    await page.getByTestId('security-table').getByText('per day over the last 30 days').waitFor({ state: 'attached' })
    const days = await tableTotals(page)
    expect(days.head[0]).toBe('Day (UTC)')
    expect(days.rows).toBe(30)
    expect(days.totals).toEqual([2, 4, 2])
    expect(await page.getByTestId('security-range-30d').getAttribute('aria-pressed')).toBe('true')
    await context.close()
  })

  it('shows no Security card, and loads no chart, for a plain user', async () => {
    const context = await browser.newContext({ locale: 'en-US', viewport: { width: 1440, height: 900 } })
    const page = await context.newPage()
    const requested: string[] = []
    page.on('request', (request) => requested.push(request.url()))
    await page.goto(`${server.baseURL}/login`)
    await signIn(page, PLAIN)
    await page.getByRole('heading', { name: 'Second factors' }).waitFor()
    await page.waitForLoadState('networkidle')
    expect(await page.getByTestId('security-overview').count()).toBe(0)
    expect(requested.filter((url) => /SecurityChart|\/api\/audit\/summary/.test(url))).toEqual([])
    await context.close()
  })

  for (const width of [390, 1440]) {
    it(`at ${width} px, light and dark, in English and Chinese: readable, no sideways scroll, axe clean`, async () => {
      for (const locale of ['en-US', 'zh-CN']) {
        const context = await browser.newContext({ locale, viewport: { width, height: 900 }, colorScheme: 'light' })
        const page = await context.newPage()
        await page.goto(`${server.baseURL}/login`)
        await signIn(page, ADMIN, locale === 'zh-CN' ? 'zh-CN' : 'en')
        await page.getByTestId('security-overview').waitFor()
        const light = await chartBox(page)
        expect(light.box?.width).toBeGreaterThan(width === 390 ? 250 : 300)
        expect(await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth)).toBeLessThanOrEqual(0)
        if (locale === 'zh-CN') expect((await tableTotals(page)).head).toEqual(['起始时刻（UTC）', '登录', '登录失败', '被限流的尝试'])
        expect(await axeViolations(page)).toEqual([])

        // The system turns dark: the canvas is drawn again in the dark theme's colors.
        await page.emulateMedia({ colorScheme: 'dark' })
        await expect.poll(async () => (await chartBox(page)).pixels).not.toBe(light.pixels)
        expect(await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth)).toBeLessThanOrEqual(0)
        expect(await axeViolations(page)).toEqual([])
        await context.close()
      }
    })
  }

  it('fits a 320 px phone without sideways scroll', async () => {
    const context = await browser.newContext({ locale: 'zh-CN', viewport: { width: 320, height: 700 }, colorScheme: 'dark' })
    const page = await context.newPage()
    await page.goto(`${server.baseURL}/login`)
    await signIn(page, ADMIN, 'zh-CN')
    await page.getByTestId('security-overview').waitFor()
    const { card, box } = await chartBox(page)
    expect((box?.x ?? 0) + (box?.width ?? 0)).toBeLessThanOrEqual((card?.x ?? 0) + (card?.width ?? 0))
    expect(await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth)).toBeLessThanOrEqual(0)
    expect(await axeViolations(page)).toEqual([])
    await context.close()
  })
})
