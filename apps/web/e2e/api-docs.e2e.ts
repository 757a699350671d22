import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Browser } from 'playwright-core'
import { launchBrowser } from './support/browser'
import { startServer, type RunningServer } from './support/server'

describe('the interactive API reference at /api/docs', () => {
  let server: RunningServer
  let browser: Browser

  beforeAll(async () => {
    server = await startServer()
    browser = await launchBrowser()
  })
  afterAll(async () => {
    await browser?.close()
    await server?.stop()
  })

  it('renders every documented route under the server\'s own Content-Security-Policy', async () => {
    const page = await browser.newPage()
    const violations: string[] = []
    page.on('console', (message) => {
      if (/Content[- ]Security[- ]Policy/i.test(message.text())) violations.push(message.text())
    })
    const offSite: string[] = []
    page.on('request', (request) => {
      if (!request.url().startsWith(server.baseURL)) offSite.push(request.url())
    })

    const response = await page.goto(`${server.baseURL}/api/docs`)
    expect(response?.headers()['content-security-policy']).toContain("script-src 'self'")
    await page.getByText('tokenauth API', { exact: false }).first().waitFor()
    await page.locator('.opblock-summary-path', { hasText: '/api/me' }).first().waitFor()
    expect(await page.locator('.opblock').count()).toBeGreaterThan(20)
    expect(violations).toEqual([])
    expect(offSite).toEqual([])
    await page.close()
  })

  it('is turned off with API_DOCS=off', async () => {
    const off = await startServer({ env: { API_DOCS: 'off' } })
    try {
      const response = await fetch(`${off.baseURL}/api/docs`)
      expect(response.status).toBe(404)
      expect(await response.json()).toMatchObject({ error: { code: 'not_found' } })
    } finally {
      await off.stop()
    }
  })
})
