import { execFileSync } from 'node:child_process'
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestApp, type TestApp } from '../test-support/test-app.js'
import { collectRoutes } from '../test-support/route-collector.js'

const CSP =
  "default-src 'self';script-src 'self';script-src-attr 'none';style-src 'self';img-src 'self' data:;font-src 'self';" +
  "connect-src 'self';object-src 'none';base-uri 'none';form-action 'self';frame-ancestors 'none'"

let t: TestApp
let token: string
let webDist: string
beforeAll(async () => {
  webDist = mkdtempSync(path.join(tmpdir(), 'tokenauth-web-'))
  mkdirSync(path.join(webDist, 'assets'))
  writeFileSync(path.join(webDist, 'index.html'), '<!doctype html><title>app</title><script type="module" src="/assets/index-abc.js"></script>')
  writeFileSync(path.join(webDist, 'assets', 'index-abc.js'), 'console.log(1)')
  t = await createTestApp({ WEB_DIST_DIR: webDist })
  await t.addUser('alice', 'correct horse battery')
  token = (await t.login('alice', 'correct horse battery')).token
})
afterAll(async () => {
  await t.close()
  rmSync(webDist, { recursive: true, force: true })
})

describe('browser security headers', () => {
  it('sends the CSP, referrer policy, frame and sniffing guards on the app and on the API', async () => {
    for (const url of ['/', '/api/health', '/api/me']) {
      const response = await t.app.inject({ url })
      expect(response.headers['content-security-policy'], url).toBe(CSP)
      expect(response.headers['referrer-policy'], url).toBe('no-referrer')
      expect(response.headers['x-frame-options'], url).toBe('DENY')
      expect(response.headers['x-content-type-options'], url).toBe('nosniff')
    }
  })

  it('sends no HSTS outside production (it would pin plain-HTTP localhost to https)', async () => {
    const response = await t.app.inject({ url: '/api/health' })
    expect(response.headers['strict-transport-security']).toBeUndefined()
  })

  it('in production: HSTS for a year and upgrade-insecure-requests', async () => {
    const prod = await createTestApp({ NODE_ENV: 'production', TOKEN_KEYS: 'unused:' + 'A'.repeat(43), SESSION_SECRET: 's'.repeat(40), DATA_KEYS: 'unused:' + 'A'.repeat(43) })
    try {
      const response = await prod.app.inject({ url: '/api/health' })
      expect(response.headers['strict-transport-security']).toBe('max-age=31536000; includeSubDomains')
      expect(response.headers['content-security-policy']).toBe(`${CSP};upgrade-insecure-requests`)
    } finally {
      await prod.close()
    }
  })
})

describe('Cache-Control', () => {
  it('is no-store on every /api answer that can carry a token or user data, refusals and 404s included', async () => {
    const requests = [
      { url: '/api/me', headers: { token } },
      { url: '/api/me' },
      { url: '/api/notes', headers: { token } },
      { url: '/api/nope' },
      { method: 'POST' as const, url: '/api/auth/login', payload: { username: 'alice', password: 'wrong password' } },
      { method: 'POST' as const, url: '/api/auth/refresh' },
      { url: '/api/setup' },
    ]
    for (const request of requests) {
      const response = await t.app.inject(request)
      expect(response.headers['cache-control'], `${request.method ?? 'GET'} ${request.url} → ${response.statusCode}`).toBe('no-store')
    }
  })

  it('is no-store on the answers of every declared /api route but the health probe, whatever its handler did', async () => {
    const { result: every, routes } = await collectRoutes(() => createTestApp())
    try {
      await every.addUser('root', 'correct horse battery', ['admin'])
      const rootToken = (await every.login('root', 'correct horse battery')).token
      const apiRoutes = routes.filter((route) => route.url.startsWith('/api/') && route.url !== '/api/health' && route.method !== 'OPTIONS')
      expect(apiRoutes.length).toBeGreaterThan(20)
      for (const route of apiRoutes) {
        const url = route.url.replace(/:[A-Za-z]+/g, '1').replace('*', 'x')
        const method = route.method as 'GET' | 'HEAD' | 'POST' | 'PUT' | 'DELETE'
        const body = method === 'GET' || method === 'HEAD' ? undefined : {}
        for (const headers of [{ token: rootToken }, {}]) {
          const response = await every.app.inject({ method, url, headers, ...(body ? { payload: body } : {}) })
          expect(response.headers['cache-control'], `${method} ${route.url} → ${response.statusCode}`).toBe('no-store')
        }
      }
    } finally {
      await every.close()
    }
  })

  it('leaves the health probe and the SPA files their own cache headers', async () => {
    expect((await t.app.inject({ url: '/api/health' })).headers['cache-control']).toBeUndefined()
    expect((await t.app.inject({ url: '/login' })).headers['cache-control']).toBe('no-cache')
    expect((await t.app.inject({ url: '/assets/index-abc.js' })).headers['cache-control']).toBe('public, max-age=31536000, immutable')
  })
})

const webApp = path.resolve(import.meta.dirname, '../../../web')
const builtSpa = findOrBuildSpa()

/**
 * The web app's built `index.html`: `apps/web/dist` when `pnpm build` (or `pnpm test`) made
 * it, else a fresh `vite build` into a temporary folder, so a bare `vitest run` on a clean
 * checkout checks the real output too. Skipped, with the reason, only when Vite cannot run.
 */
function findOrBuildSpa(): { index: string; temporary?: string } | { skipReason: string } {
  const built = path.join(webApp, 'dist/index.html')
  if (existsSync(built)) return { index: built }
  const outDir = mkdtempSync(path.join(tmpdir(), 'tokenauth-web-build-'))
  try {
    execFileSync(process.execPath, [path.join(webApp, 'node_modules/vite/bin/vite.js'), 'build', '--outDir', outDir, '--emptyOutDir'], {
      cwd: webApp,
      stdio: 'pipe',
      timeout: 180_000,
    })
    return { index: path.join(outDir, 'index.html'), temporary: outDir }
  } catch (error) {
    return { skipReason: `apps/web is not built and vite build failed here: ${(error as Error).message.split('\n')[0]}` }
  }
}

describe('the built SPA', () => {
  const skipReason = 'skipReason' in builtSpa ? builtSpa.skipReason : undefined
  if (skipReason) console.warn(`skipping the built-SPA CSP check: ${skipReason}`)
  afterAll(() => {
    if ('temporary' in builtSpa && builtSpa.temporary) rmSync(builtSpa.temporary, { recursive: true, force: true })
  })
  it.skipIf(skipReason !== undefined)('has nothing inline that the CSP would block: no inline script, style or handler', () => {
    if (!('index' in builtSpa)) return
    const html = readFileSync(builtSpa.index, 'utf8')
    const scripts = [...html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/g)]
    expect(scripts.length).toBeGreaterThan(0)
    for (const [, attributes, body] of scripts) {
      expect(attributes).toMatch(/\bsrc="\/assets\//)
      expect(body?.trim()).toBe('')
    }
    expect(html).not.toMatch(/<style\b|\sstyle=|\son[a-z]+=|javascript:/i)
  })
})
