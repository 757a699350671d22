import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Browser } from 'playwright-core'
import { ADMIN, failSignIn, PLAIN, signIn } from './support/app'
import type { RunningServer } from './support/server'
import { startAppWithAdmin, stopApp } from './support/suite'

describe('the audit log on a phone', () => {
  let server: RunningServer
  let browser: Browser

  beforeAll(async () => {
    ;({ server, browser } = await startAppWithAdmin({ users: [PLAIN] }))
    // Something with a long detail: a wrong password, in the log with its reason.
    await failSignIn(server, PLAIN.username)
  })
  afterAll(() => stopApp({ server, browser }))

  it('at 390 px in Chinese: one card per event, the client read as Devices reads it, renewals left out until asked for', async () => {
    const context = await browser.newContext({ locale: 'zh-CN', viewport: { width: 390, height: 800 } })
    const page = await context.newPage()
    await page.goto(`${server.baseURL}/audit`)
    await signIn(page, ADMIN, 'zh-CN')
    await page.waitForURL((url) => url.pathname === '/audit')
    await page.getByTestId('audit-table').waitFor()
    // A reload renews the sign-in: one "renewed" event in the log.
    await page.reload()
    await page.getByTestId('audit-table').waitFor()

    const layout = await page.evaluate(() => {
      const rows = [...document.querySelectorAll<HTMLElement>('[data-testid="audit-table"] tbody tr')]
      return {
        pageWidth: document.documentElement.scrollWidth,
        rows: rows.map((row) => {
          const box = row.getBoundingClientRect()
          const cells = [...row.querySelectorAll<HTMLElement>('td')].filter((cell) => getComputedStyle(cell).display !== 'none')
          return { width: box.width, height: box.height, narrowest: Math.min(...cells.map((cell) => cell.getBoundingClientRect().width)) }
        }),
        headerShown: getComputedStyle(document.querySelector('[data-testid="audit-table"] thead') as Element).display !== 'none',
      }
    })
    expect(layout.pageWidth).toBeLessThanOrEqual(390)
    expect(layout.headerShown).toBe(false)
    expect(layout.rows.length).toBeGreaterThan(0)
    for (const row of layout.rows) {
      // A card: every line as wide as the card, no column a few characters wide, no row a tower.
      expect(row.narrowest).toBeGreaterThan(row.width * 0.8)
      expect(row.height).toBeLessThan(260)
    }
    const clients = await page.getByTestId('audit-client').allTextContents()
    expect(clients.some((text) => /^Linux 上的 Chrome \d+（电脑）$/.test(text.trim()))).toBe(true)
    expect(clients.every((text) => !text.includes('Mozilla/5.0'))).toBe(true)
    // Each line's label ends with the full-width colon Chinese uses.
    const label = await page.evaluate(() => {
      const cell = document.querySelector('[data-testid="audit-table"] tbody td')
      return cell ? getComputedStyle(cell, '::before').content : ''
    })
    expect(label).toMatch(/："$/)

    // "Sign-in renewed" is left out by default, and shown when nothing is left out.
    const table = page.getByTestId('audit-table')
    expect(await table.getByText('登录凭证已续期').count()).toBe(0)
    await page.locator('#audit-hide').selectOption('')
    await page.waitForURL((url) => url.searchParams.get('hide') === 'none')
    await table.getByText('登录凭证已续期').first().waitFor()
    await context.close()
  })
})
