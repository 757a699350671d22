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

  it("wears tokenauth's name, has no Explore box, and names every answer", async () => {
    const page = await browser.newPage()
    await page.goto(`${server.baseURL}/api/docs`)
    const logo = page.locator('#swagger-ui .topbar .topbar-wrapper img')
    await logo.waitFor()
    const src = (await logo.getAttribute('src')) ?? ''
    const svg = Buffer.from(src.replace(/^data:image\/svg\+xml;base64,/, ''), 'base64').toString()
    expect(svg).toContain('tokenauth')
    expect(svg.toLowerCase()).not.toContain('fastify')
    expect(await page.title()).toBe('tokenauth API')
    expect(await page.locator('.download-url-wrapper').isVisible()).toBe(false)
    expect(await page.getByRole('button', { name: 'Explore' }).isVisible()).toBe(false)
    expect(await page.getByRole('textbox').count()).toBe(0)

    await page.locator('.opblock-summary-path', { hasText: /^\/api\/me$/ }).first().click()
    await page.getByText('The signed-in user').first().waitFor()
    expect(await page.getByText('Default Response').count()).toBe(0)
    await page.close()
  })

  it('is dark when the system is, light otherwise, under the same policy', async () => {
    const background = async (colorScheme: 'dark' | 'light', switchTheme = false) => {
      const context = await browser.newContext({ colorScheme })
      const page = await context.newPage()
      const violations: string[] = []
      page.on('console', (message) => {
        if (/Content[- ]Security[- ]Policy/i.test(message.text())) violations.push(message.text())
      })
      await page.goto(`${server.baseURL}/api/docs`)
      await page.locator('.opblock').first().waitFor()
      // Swagger UI's own switch in the top bar: the whole page follows it.
      if (switchTheme) await page.locator('.dark-mode-toggle button').click()
      const colours = await page.evaluate(() => {
        const channels = (colour: string) => (colour.match(/\d+(\.\d+)?/g) ?? []).slice(0, 3).map(Number)
        const luminance = (colour: string) => {
          const [r = 0, g = 0, b = 0] = channels(colour)
          return (0.2126 * r + 0.7152 * g + 0.0722 * b) / 255
        }
        const title = document.querySelector('.info .title')
        return {
          body: luminance(getComputedStyle(document.body).backgroundColor),
          title: title ? luminance(getComputedStyle(title).color) : -1,
        }
      })
      await context.close()
      return { ...colours, violations }
    }
    const dark = await background('dark')
    expect(dark.body).toBeLessThan(0.15)
    expect(dark.title).toBeGreaterThan(0.7)
    expect(dark.violations).toEqual([])
    const light = await background('light')
    expect(light.body).toBeGreaterThan(0.9)
    expect(light.title).toBeLessThan(0.4)
    const switchedToLight = await background('dark', true)
    expect(switchedToLight.body).toBeGreaterThan(0.9)
    expect(switchedToLight.title).toBeLessThan(0.4)
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
