import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestApp, type TestApp } from '../test-support/test-app.js'

let t: TestApp
beforeAll(async () => {
  t = await createTestApp()
})
afterAll(async () => t.close())

describe('GET /api/docs', () => {
  it('serves the reference page without a token, with its own style exception only', async () => {
    const page = await t.app.inject({ url: '/api/docs/' })
    expect(page.statusCode).toBe(200)
    expect(page.headers['content-type']).toMatch(/^text\/html/)
    const policy = String(page.headers['content-security-policy'])
    expect(policy).toContain("script-src 'self';")
    expect(policy).toMatch(/style-src 'self' 'sha256-[A-Za-z0-9+/=]+'/)
    expect(policy).not.toContain('unsafe-inline')

    const asset = await t.app.inject({ url: '/api/docs/static/swagger-ui-bundle.js' })
    expect(asset.statusCode).toBe(200)
  })

  it("links tokenauth's stylesheet and icon, served under the page's own policy, and no Fastify logo", async () => {
    const page = await t.app.inject({ url: '/api/docs/' })
    expect(page.body).toContain('<title>tokenauth API</title>')
    expect(page.body).toContain('static/theme/tokenauth.css')
    expect(page.body).toContain('static/theme/favicon.svg')

    const css = await t.app.inject({ url: '/api/docs/static/theme/tokenauth.css' })
    expect(css.statusCode).toBe(200)
    expect(css.body).toContain('.download-url-wrapper { display: none; }')
    expect(css.body).toContain('html.dark-mode body')

    const initializer = await t.app.inject({ url: '/api/docs/static/swagger-initializer.js' })
    const logo = /data:image\/svg\+xml;base64,([A-Za-z0-9+/=]+)/.exec(initializer.body)?.[1] ?? ''
    const svg = Buffer.from(logo, 'base64').toString()
    expect(svg).toContain('tokenauth')
    expect(svg.toLowerCase()).not.toContain('fastify')
  })

  it('leaves the rest of the app on the strict policy', async () => {
    const health = await t.app.inject({ url: '/api/health' })
    expect(String(health.headers['content-security-policy'])).toContain("style-src 'self';")
  })

  it('accepts only reads under its prefix', async () => {
    const write = await t.app.inject({ method: 'POST', url: '/api/docs/', payload: {} })
    expect(write.statusCode).toBeGreaterThanOrEqual(400)
    expect(write.statusCode).toBeLessThan(500)
  })
})
