import type { Page } from 'playwright-core'
import type { LoginResponse } from '@tokenauth/shared'
import type { RunningServer } from './server'

export const ADMIN = { username: 'root', password: 'correct horse battery staple' }
export const PLAIN = { username: 'bob', password: 'pass-word-1' }

/** Creates the first admin through `POST /api/setup` with the printed link's token. */
export async function setupAdminWithApi(server: RunningServer, admin = ADMIN): Promise<LoginResponse> {
  const setupToken = new URL(server.setupLink).hash.replace(/^#token=/, '')
  const response = await fetch(`${server.baseURL}/api/setup`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ setupToken, ...admin }),
  })
  if (response.status !== 201) throw new Error(`POST /api/setup answered ${response.status}: ${await response.text()}`)
  return (await response.json()) as LoginResponse
}

/** The sign-in form's labels in each of the app's languages. */
const SIGN_IN_LABELS = { en: { username: 'Username', password: 'Password' }, 'zh-CN': { username: '用户名', password: '密码' } } as const

/** Fills the login form (in the page's language) and submits it with Enter, as a person would. */
export async function signIn(page: Page, user: { username: string; password: string }, language: keyof typeof SIGN_IN_LABELS = 'en'): Promise<void> {
  const labels = SIGN_IN_LABELS[language]
  await page.getByLabel(labels.username).fill(user.username)
  await page.getByLabel(labels.password, { exact: true }).fill(user.password)
  await page.getByLabel(labels.password, { exact: true }).press('Enter')
}

/** A sign-in the server refuses (a wrong password), sent by `userAgent`: a refused try in the audit log. */
export async function failSignIn(server: RunningServer, username: string, userAgent = 'e2e'): Promise<void> {
  const response = await fetch(`${server.baseURL}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'user-agent': userAgent },
    body: JSON.stringify({ username, password: 'a wrong guess at the password' }),
  })
  if (response.status !== 401) throw new Error(`a wrong password answered ${response.status}`)
}

/** Path, query and hash of the page's URL. */
export function location(page: Page): string {
  const url = new URL(page.url())
  return `${url.pathname}${url.search}${url.hash}`
}

/** Counts main-frame navigations (including history.pushState/replaceState) to a path. */
export function countNavigationsTo(page: Page, pathname: string): () => number {
  let count = 0
  page.on('framenavigated', (frame) => {
    if (frame === page.mainFrame() && new URL(frame.url()).pathname === pathname) count++
  })
  return () => count
}

/** Remembers the last `token` request header the page sent. */
export function captureToken(page: Page): () => string | null {
  let token: string | null = null
  page.on('request', (request) => {
    const value = request.headers()['token']
    if (value) token = value
  })
  return () => token
}

/** Counts main-frame navigations of any kind (including history.pushState/replaceState). */
export function countNavigations(page: Page): () => number {
  let count = 0
  page.on('framenavigated', (frame) => {
    if (frame === page.mainFrame()) count++
  })
  return () => count
}

/**
 * Tracks the page's API requests; the returned function waits until none has been in
 * flight for `quietMs` (Playwright's `networkidle` fires once per navigation, not after
 * an SPA's background reads).
 */
export function trackApiRequests(page: Page): (quietMs?: number) => Promise<void> {
  let inFlight = 0
  let lastChange = Date.now()
  const isApi = (url: string) => new URL(url).pathname.startsWith('/api/')
  page.on('request', (request) => {
    if (!isApi(request.url())) return
    inFlight++
    lastChange = Date.now()
  })
  const done = (request: { url(): string }) => {
    if (!isApi(request.url())) return
    inFlight--
    lastChange = Date.now()
  }
  page.on('requestfinished', done)
  page.on('requestfailed', done)
  return async (quietMs = 300) => {
    while (inFlight > 0 || Date.now() - lastChange < quietMs) await new Promise((resolve) => setTimeout(resolve, 50))
  }
}

/** Counts the requests the page sent to one API path (e.g. `/api/auth/refresh`). */
export function countRequestsTo(page: Page, pathname: string): () => number {
  let count = 0
  page.on('request', (request) => {
    if (new URL(request.url()).pathname === pathname) count++
  })
  return () => count
}

/** Ends a session from outside the browser, as another device or an admin would: logout with its token. */
export async function revokeWithToken(server: RunningServer, token: string | null): Promise<void> {
  if (!token) throw new Error('No token captured from the page')
  const response = await fetch(`${server.baseURL}/api/auth/logout`, { method: 'POST', headers: { token } })
  if (response.status !== 204) throw new Error(`POST /api/auth/logout answered ${response.status}`)
}

/** The sign-in-again dialog, by its accessible name. */
export function signInAgainDialog(page: Page) {
  return page.getByRole('dialog', { name: 'Your session has ended' })
}
