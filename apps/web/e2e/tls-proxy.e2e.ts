import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Browser, BrowserContext, Page, Response } from 'playwright-core'
import { SESSION_COOKIE_PRODUCTION, type AuditPage } from '@tokenauth/shared'
import { ADMIN, captureToken, signIn } from './support/app'
import { launchBrowser } from './support/browser'
import { addUserWithCli, freePort, productionSecrets, startProductionInstance, type ProductionInstance } from './support/server'
import {
  NGINX_TEMPLATE,
  loopbackConnections,
  makeCertificate,
  proxyConfig,
  requestThroughProxy,
  requirePrograms,
  startNginx,
  startRedis,
  type RunningNginx,
  type RunningRedis,
} from './support/tls-proxy'

/** nginx connects to the instances from here (TRUST_PROXY); the browser is 127.0.0.1. */
const NGINX_ADDRESS = '127.0.0.2'
/** Another client of the proxy, on another loopback address. */
const OTHER_CLIENT = '127.0.0.3'
const RATE_LIMIT_MAX = 50
/** The app's BODY_LIMIT_BYTES. */
const BODY_LIMIT = 32 * 1024
const NGINX_REQUEST_ID = /^[0-9a-f]{32}$/
const hostAndPort = (instance: ProductionInstance) => new URL(instance.baseURL).host

/**
 * deploy/nginx/tokenauth.conf as an operator uses it: nginx terminating TLS for two
 * NODE_ENV=production instances that share one SQLite DATA_DIR and one Redis (the setup
 * docs/several-instances.md describes on one machine), a person in Chromium on
 * https://127.0.0.1:<port>.
 */
describe('behind nginx terminating TLS, two production instances', () => {
  let dir: string
  let redis: RunningRedis | undefined
  let instances: ProductionInstance[] = []
  let nginx: RunningNginx | undefined
  /** What the tests read once nginx runs. */
  let accessLog: () => string
  let browser: Browser | undefined
  let context: BrowserContext
  let page: Page
  let token: () => string | null
  let proxy: string
  let plainHttp: string
  let ca: string

  beforeAll(async () => {
    await requirePrograms()
    dir = await mkdtemp(join(tmpdir(), 'tokenauth-tls-'))
    const dataDir = join(dir, 'data')
    const certificate = await makeCertificate(dir)
    ca = certificate.pem
    redis = await startRedis()
    const [httpsPort, httpPort] = [await freePort(), await freePort()]
    proxy = `https://127.0.0.1:${httpsPort}`
    plainHttp = `http://127.0.0.1:${httpPort}`
    const env = {
      ...(await productionSecrets()),
      REDIS_URL: redis.url,
      TRUST_PROXY: NGINX_ADDRESS,
      PUBLIC_URL: proxy,
      RATE_LIMIT_MAX: String(RATE_LIMIT_MAX),
    }
    await addUserWithCli({ dataDir }, ADMIN.username, ADMIN.password, ['admin'], { ...env, NODE_ENV: 'production' })
    const started = await Promise.allSettled([startProductionInstance({ dataDir, env }), startProductionInstance({ dataDir, env })])
    instances = started.flatMap((result) => (result.status === 'fulfilled' ? [result.value] : []))
    const [first, second] = instances
    if (!first || !second) throw started.find((result) => result.status === 'rejected')?.reason
    const accessLogPath = join(dir, 'access.log')
    const site = proxyConfig(await readFile(NGINX_TEMPLATE, 'utf8'), {
      upstreams: [hostAndPort(first), hostAndPort(second)],
      httpsPort,
      httpPort,
      certificate: certificate.certificate,
      key: certificate.key,
      accessLog: accessLogPath,
      bindAddress: NGINX_ADDRESS,
    })
    nginx = await startNginx(dir, site, accessLogPath, async () => (await requestThroughProxy(`${proxy}/api/health`, { ca })).status === 200)
    accessLog = nginx.accessLog
    browser = await launchBrowser()
    // Certificate errors are ignored for this context only: the test's certificate is self-signed.
    context = await browser.newContext({ ignoreHTTPSErrors: true, locale: 'en-US' })
    page = await context.newPage()
    token = captureToken(page)
  })
  afterAll(async () => {
    await browser?.close()
    await nginx?.stop()
    await Promise.all(instances.map((instance) => instance.stop()))
    await redis?.stop()
    if (dir) await rm(dir, { recursive: true, force: true })
  })

  const apiAnswer = (path: string) => page.waitForResponse((response) => new URL(response.url()).pathname === path)
  const headerValues = async (response: Response, name: string) =>
    (await response.headersArray()).filter((header) => header.name.toLowerCase() === name).map((header) => header.value)
  const sessionCookie = async () => (await context.cookies()).find((cookie) => cookie.name === SESSION_COOKIE_PRODUCTION)
  /** A request straight to one instance, past nginx. */
  const direct = (instance: ProductionInstance, path: string, bearer: string | null) =>
    fetch(`${instance.baseURL}${path}`, { headers: bearer ? { token: bearer } : {} })

  it('signs in at https://127.0.0.1:<port>: the __Host- cookie is Secure, HSTS comes once, the request id is nginx’s', async () => {
    const document = await page.goto(`${proxy}/login`)
    if (!document) throw new Error('no answer to the page load')
    expect(document.status()).toBe(200)
    const login = apiAnswer('/api/auth/login')
    await signIn(page, ADMIN)
    const answer = await login
    expect(answer.status()).toBe(200)
    await page.getByRole('heading', { name: 'Overview' }).waitFor()
    expect(new URL(page.url()).origin).toBe(proxy)

    // `__Host-` cookies are kept only when Secure, Path=/ and without Domain: Chromium kept it.
    expect(await sessionCookie()).toMatchObject({ secure: true, httpOnly: true, path: '/', sameSite: 'Lax', domain: '127.0.0.1' })
    // The app sends HSTS in production; the proxy adds none of its own, so once, on the page and the API.
    for (const response of [document, answer]) {
      expect(await headerValues(response, 'strict-transport-security')).toEqual(['max-age=31536000; includeSubDomains'])
    }

    // No id from the browser: nginx made one ($request_id), the app kept it, echoed it and logged it.
    const [id = ''] = await headerValues(answer, 'x-request-id')
    expect(id).toMatch(NGINX_REQUEST_ID)
    expect(accessLog()).toContain(`request_id=${id}`)
    expect(instances.some((instance) => instance.output().includes(`"reqId":"${id}"`))).toBe(true)
  })

  it('a reload renews through the cookie (rotated, still Secure) and stays signed in', async () => {
    const before = await sessionCookie()
    const refresh = apiAnswer('/api/auth/refresh')
    await page.reload()
    expect((await refresh).status()).toBe(200)
    await page.getByRole('heading', { name: 'Overview' }).waitFor()
    const after = await sessionCookie()
    expect(after).toMatchObject({ secure: true, httpOnly: true, path: '/' })
    expect(after?.value).not.toBe(before?.value)
  })

  it('the audit log and the per-IP limit see the client’s address, not nginx’s, whatever X-Forwarded-For the client sends', async () => {
    const [first] = instances
    if (!first) throw new Error('no instance running')
    const audit = async (kind: string) => {
      const response = await direct(first, `/api/audit?kind=${kind}&limit=1`, token())
      expect(response.status).toBe(200)
      return ((await response.json()) as AuditPage).events[0]
    }
    expect(await audit('login_succeeded')).toMatchObject({ username: ADMIN.username, ip: '127.0.0.1' })

    // Another client forges X-Forwarded-For; nginx writes the address it connected from.
    // No Sec-Fetch-Site, so the app's CSRF check compares Origin with X-Forwarded-Proto and Host.
    const from = (i: number) => ({ 'x-forwarded-for': `203.0.113.${i % 250}`, origin: proxy, 'content-type': 'application/json' })
    const failed = await requestThroughProxy(`${proxy}/api/auth/login`, {
      ca,
      localAddress: OTHER_CLIENT,
      method: 'POST',
      headers: from(0),
      body: JSON.stringify({ username: ADMIN.username, password: 'not the password' }),
    })
    expect(failed.status, failed.body).toBe(401)
    expect(await audit('login_failed')).toMatchObject({ username: ADMIN.username, ip: OTHER_CLIENT })

    // That client uses up its limit (one count over both instances, in Redis)...
    const statuses: number[] = []
    for (let i = 1; i <= RATE_LIMIT_MAX + 5; i++) {
      statuses.push((await requestThroughProxy(`${proxy}/api/me`, { ca, localAddress: OTHER_CLIENT, headers: from(i) })).status)
    }
    expect(statuses.slice(0, RATE_LIMIT_MAX - 1)).toEqual(Array(RATE_LIMIT_MAX - 1).fill(401))
    expect(statuses.slice(RATE_LIMIT_MAX - 1)).toEqual(Array(6).fill(429))
    // ...spread over both instances by the upstream, over kept-alive connections: after
    // the burst nginx still holds an idle one to each, and closed (TIME_WAIT) only a few.
    for (const instance of instances) {
      expect(accessLog()).toContain(`upstream=${hostAndPort(instance)} upstream_status=429`)
      const connections = loopbackConnections(NGINX_ADDRESS, Number(new URL(instance.baseURL).port))
      expect(connections.established).toBeGreaterThanOrEqual(1)
      expect(connections.timeWait).toBeLessThan(5)
    }
    // ...while the browser, behind the same nginx, is not limited.
    const refresh = apiAnswer('/api/auth/refresh')
    await page.reload()
    expect((await refresh).status()).toBe(200)
    await page.getByRole('heading', { name: 'Overview' }).waitFor()
  })

  it('passes a well-formed x-request-id on, replaces any other, keeps the app’s body limit, and sends http to https', async () => {
    const client = { ca, localAddress: '127.0.0.4' }
    const kept = await requestThroughProxy(`${proxy}/api/health`, { ...client, headers: { 'x-request-id': 'trace-42.tls:proxy' } })
    expect(kept.headers['x-request-id']).toBe('trace-42.tls:proxy')
    const replaced = await requestThroughProxy(`${proxy}/api/health`, { ...client, headers: { 'x-request-id': 'no spaces allowed' } })
    expect(replaced.headers['x-request-id']).toMatch(NGINX_REQUEST_ID)

    const login = (bytes: number) => {
      const body = JSON.stringify({ username: 'someone', password: '' })
      return requestThroughProxy(`${proxy}/api/auth/login`, {
        ...client,
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: body.replace('"password":""', `"password":"${'x'.repeat(bytes - body.length)}"`),
      })
    }
    // At the limit the app judges it (a bad request, not a size refusal); one byte over, nginx refuses it itself.
    const atLimit = await login(BODY_LIMIT)
    expect(atLimit.status).not.toBe(413)
    expect(atLimit.headers['x-request-id']).toBeDefined()
    const over = await login(BODY_LIMIT + 1)
    expect(over.status).toBe(413)
    expect(JSON.parse(over.body)).toMatchObject({ error: { code: 'payload_too_large' } })
    const overId = over.headers['x-request-id']
    expect(overId).toMatch(NGINX_REQUEST_ID)
    expect(accessLog()).toMatch(new RegExp(`" 413 .* upstream=- .*request_id=${overId}`))

    const plain = await fetch(`${plainHttp}/login`, { redirect: 'manual' })
    expect(plain.status).toBe(301)
    expect(plain.headers.get('location')).toBe('https://127.0.0.1/login')
  })

  it('signing out in the browser ends the session on both instances', async () => {
    const last = token()
    for (const instance of instances) expect((await direct(instance, '/api/me', last)).status).toBe(200)
    await page.getByRole('button', { name: 'Sign out' }).click()
    await page.waitForURL((url) => url.pathname === '/login')
    for (const instance of instances) {
      const me = await direct(instance, '/api/me', last)
      expect(me.status).toBe(401)
      expect(await me.json()).toMatchObject({ error: { code: 'revoked_token' } })
    }
    expect(await sessionCookie()).toBeUndefined()
  })

  it('with every instance down, nginx answers 503 service_unavailable in the app’s shape', async () => {
    await Promise.all(instances.map((instance) => instance.stop()))
    const down = await requestThroughProxy(`${proxy}/api/me`, { ca })
    expect(down.status).toBe(503)
    expect(down.headers['retry-after']).toBe('5')
    expect(JSON.parse(down.body)).toMatchObject({ error: { code: 'service_unavailable' } })
  })
})
