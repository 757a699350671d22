import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Route } from 'playwright-core'
import { REPO_ROOT } from './support/server'
import { startAppWithAdmin, stopApp, type E2eApp } from './support/suite'

interface ManifestChunk {
  file: string
  src?: string
  isEntry?: boolean
  imports?: string[]
  css?: string[]
}

const DIST = join(REPO_ROOT, 'apps/web/dist')
const readManifest = () => JSON.parse(readFileSync(join(DIST, '.vite/manifest.json'), 'utf8')) as Record<string, ManifestChunk>

/** The built files of the login view's chunk and of the chunks it imports (not the entry). */
function loginViewFiles(): { js: string[]; css: string[] } {
  const manifest = readManifest()
  const js: string[] = []
  const css: string[] = []
  const visit = (key: string) => {
    const chunk = manifest[key]
    if (!chunk || chunk.isEntry || js.includes(`/${chunk.file}`)) return
    js.push(`/${chunk.file}`)
    css.push(...(chunk.css ?? []).map((file) => `/${file}`))
    for (const next of chunk.imports ?? []) visit(next)
  }
  visit('src/views/LoginView.vue')
  return { js, css }
}

/** The built file of a language's messages (each language is a chunk of its own). */
function messagesFile(locale: 'en' | 'zh-CN'): string {
  const chunk = Object.entries(readManifest()).find(([key]) => key.endsWith(`/i18n/messages/${locale}.ts`))?.[1]
  if (!chunk) throw new Error(`no chunk for the ${locale} messages`)
  return `/${chunk.file}`
}

describe('the first page, /login', () => {
  let app: E2eApp

  beforeAll(async () => {
    app = await startAppWithAdmin()
  })
  afterAll(() => stopApp(app))

  it("names the login view's chunks in the HTML, so they load beside the entry and not after the renewal check", async () => {
    const html = await (await fetch(`${app.server.baseURL}/login`)).text()
    const links = [...html.matchAll(/<link\b[^>]*>/g)].map(([tag]) => tag)
    const href = (tag: string) => /href="([^"]+)"/.exec(tag)?.[1]
    const preloaded = links.filter((tag) => /rel="modulepreload"/.test(tag)).map(href)
    const styles = links.filter((tag) => /rel="preload"/.test(tag) && /as="style"/.test(tag)).map(href)
    const { js, css } = loginViewFiles()
    expect(js.length).toBeGreaterThan(0)
    expect(preloaded).toEqual(expect.arrayContaining(js))
    expect(styles).toEqual(expect.arrayContaining(css))

    // And the browser does fetch them before the renewal check has answered.
    const context = await app.browser.newContext({ locale: 'en-US' })
    const page = await context.newPage()
    const requested: string[] = []
    let renewalAnswered = false
    page.on('request', (request) => {
      const path = new URL(request.url()).pathname
      if (!renewalAnswered) requested.push(path)
    })
    await page.route('**/api/auth/refresh', async (route: Route) => {
      await new Promise((resolve) => setTimeout(resolve, 800))
      renewalAnswered = true
      await route.continue()
    })
    await page.goto(`${app.server.baseURL}/login`)
    await page.getByRole('heading', { name: 'Sign in' }).waitFor()
    // The page's words too: fetched as the entry starts, beside the renewal check.
    expect(requested).toEqual(expect.arrayContaining([...js, messagesFile('en')]))
    await context.close()
  })

  it('shows the whole form before GET /api/auth/login answers, and nothing moves when the answer comes', async () => {
    const context = await app.browser.newContext({ locale: 'en-US' })
    const page = await context.newPage()
    let release: () => void = () => undefined
    const held = new Promise<void>((resolve) => (release = resolve))
    let asked = false
    await page.route('**/api/auth/login', async (route: Route) => {
      if (route.request().method() !== 'GET') return route.continue()
      asked = true
      await held
      await route.continue()
    })
    await page.goto(`${app.server.baseURL}/login`)
    const button = page.getByRole('button', { name: 'Sign in' })
    await button.waitFor()
    await page.getByLabel('Username').waitFor()
    await page.getByLabel('Password', { exact: true }).waitFor()
    expect(asked).toBe(true)
    // The option is in the form already; only its number of days waits for the answer.
    await page.getByLabel('Keep me signed in on this device').waitFor()
    expect(await page.locator('#remember-hint').textContent()).toBe('For up to … days. Only on a device nobody else uses.')
    const before = await button.boundingBox()

    const answered = page.waitForResponse((response) => new URL(response.url()).pathname === '/api/auth/login')
    release()
    await answered
    await page.getByText('For up to 30 days.', { exact: false }).waitFor()
    expect(await button.boundingBox()).toEqual(before)
    await context.close()
  })

  it("loads at most 89.3 kB of JavaScript, brotli as the server sends it (the entry, the view's chunks and the page's words), in either language", () => {
    const manifest = readManifest()
    const entry = Object.values(manifest).find((chunk) => chunk.isEntry)
    expect(entry).toBeDefined()
    for (const locale of ['en', 'zh-CN'] as const) {
      const files = [`/${entry?.file}`, ...loginViewFiles().js, messagesFile(locale)]
      const bytes = files.reduce((total, file) => {
        const copy = join(DIST, `${file}.br`)
        return total + readFileSync(existsSync(copy) ? copy : join(DIST, file)).length
      }, 0)
      expect(bytes / 1024, locale).toBeLessThanOrEqual(89.3)
    }
  })

  it("carries the words of its own language only, and paints a Chinese browser's page in Chinese from the first frame", async () => {
    const english = await app.browser.newContext({ locale: 'en-US' })
    const englishPage = await english.newPage()
    const fetched: string[] = []
    englishPage.on('request', (request) => fetched.push(new URL(request.url()).pathname))
    await englishPage.goto(`${app.server.baseURL}/login`)
    await englishPage.getByRole('heading', { name: 'Sign in' }).waitFor()
    expect(fetched).toContain(messagesFile('en'))
    expect(fetched).not.toContain(messagesFile('zh-CN'))
    await english.close()

    const context = await app.browser.newContext({ locale: 'zh-CN' })
    const page = await context.newPage()
    const fetchedInChinese: string[] = []
    page.on('request', (request) => fetchedInChinese.push(new URL(request.url()).pathname))
    // Every text the page ever shows, from before the app's first render.
    await page.addInitScript(`window.__shown = []; new MutationObserver(() => { if (document.body) window.__shown.push(document.body.innerText) }).observe(document, { childList: true, subtree: true, characterData: true })`)
    await page.goto(`${app.server.baseURL}/login`)
    await page.getByRole('heading', { name: '登录' }).waitFor()
    const shown = (await page.evaluate('window.__shown')) as string[]
    expect(shown.some((text) => text.includes('登录'))).toBe(true)
    expect(shown.filter((text) => /Sign in|Username|Password/.test(text))).toEqual([])
    expect(fetchedInChinese).toContain(messagesFile('zh-CN'))
    expect(fetchedInChinese).not.toContain(messagesFile('en'))
    await context.close()
  })

  it('has its largest contentful paint in the form, not waiting for GET /api/auth/login', async () => {
    const context = await app.browser.newContext({ locale: 'en-US' })
    const page = await context.newPage()
    let answeredAt = 0
    await page.route('**/api/auth/login', async (route: Route) => {
      if (route.request().method() !== 'GET') return route.continue()
      await new Promise((resolve) => setTimeout(resolve, 1500))
      await route.continue()
    })
    page.on('response', (response) => {
      if (new URL(response.url()).pathname === '/api/auth/login') answeredAt = Date.now()
    })
    await page.goto(`${app.server.baseURL}/login`)
    await page.getByText('For up to 30 days.', { exact: false }).waitFor()
    expect(answeredAt).toBeGreaterThan(0)
    // Page time of the answer, and the LCP entries once the option is shown.
    const { lcp, inForm, answer } = (await page.evaluate(`new Promise((resolve) => {
      const entries = []
      new PerformanceObserver((list) => { entries.push(...list.getEntries()) }).observe({ type: 'largest-contentful-paint', buffered: true })
      const answer = performance.getEntriesByType('resource').find((entry) => new URL(entry.name).pathname === '/api/auth/login')
      setTimeout(() => {
        const last = entries[entries.length - 1]
        resolve({ lcp: last ? last.startTime : -1, inForm: Boolean(last && last.element && last.element.closest('form')), answer: answer ? answer.responseEnd : -1 })
      }, 300)
    })`)) as { lcp: number; inForm: boolean; answer: number }
    expect(answer).toBeGreaterThan(0)
    expect(inForm).toBe(true)
    expect(lcp).toBeGreaterThan(0)
    expect(lcp).toBeLessThan(answer)
    await context.close()
  })
})
