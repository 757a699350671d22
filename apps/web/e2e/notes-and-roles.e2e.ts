import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Browser } from 'playwright-core'
import { TOKEN_HEADER, type LoginResponse } from '@tokenauth/shared'
import { ADMIN, PLAIN, signIn } from './support/app'
import type { RunningServer } from './support/server'
import { startAppWithAdmin, stopApp } from './support/suite'

async function loginWithApi(server: RunningServer, user: { username: string; password: string }): Promise<LoginResponse> {
  const response = await fetch(`${server.baseURL}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(user),
  })
  expect(response.status).toBe(200)
  return (await response.json()) as LoginResponse
}

describe('notes and roles', () => {
  let server: RunningServer
  let browser: Browser

  beforeAll(async () => {
    ;({ server, browser } = await startAppWithAdmin({ users: [PLAIN] }))
  })
  afterAll(() => stopApp({ server, browser }))

  it('creates and deletes a note', async () => {
    const page = await browser.newPage()
    await page.goto(`${server.baseURL}/login`)
    await signIn(page, ADMIN)
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Notes' }).click()
    await page.waitForURL((url) => url.pathname === '/notes')

    const text = `Remember the milk ${Date.now()}`
    await page.getByLabel('Note', { exact: true }).fill(text)
    await page.getByRole('button', { name: 'Post note' }).click()
    await page.getByTestId('notes-message').filter({ hasText: 'Note posted.' }).waitFor()
    const note = page.getByRole('article').filter({ hasText: text })
    await note.waitFor()

    await note.getByRole('button', { name: /^Delete note by root/ }).click()
    // Asked first; the dialog quotes the note.
    const confirm = page.getByRole('dialog', { name: 'Delete this note?' })
    expect(await confirm.textContent()).toContain(text)
    await confirm.getByRole('button', { name: 'Delete' }).click()
    await page.getByTestId('notes-message').filter({ hasText: 'Note deleted.' }).waitFor()
    await note.waitFor({ state: 'detached' })

    // Still there after a reload: the server really deleted it.
    await page.reload()
    await page.getByRole('heading', { name: 'All notes' }).waitFor()
    expect(await page.getByRole('article').filter({ hasText: text }).count()).toBe(0)
    await page.close()
  })

  it('refuses the admin-only view to a plain user: no nav link, the router shows 403, the session stays', async () => {
    const context = await browser.newContext()
    const page = await context.newPage()
    await page.goto(`${server.baseURL}/login`)
    await signIn(page, PLAIN)
    await page.getByRole('heading', { name: 'Overview' }).waitFor()

    const nav = page.getByRole('navigation', { name: 'Main' })
    expect(await nav.getByRole('link').allTextContents()).toEqual(['Overview', 'Notes', 'Devices'])

    for (const adminOnly of ['/users', '/audit?kind=logout']) {
      await page.goto(`${server.baseURL}${adminOnly}`)
      // The 403 page says what was refused.
      await page.getByRole('heading', { name: /^“(Users|Audit log)” is not open to you$/ }).waitFor()
      expect(new URL(page.url()).pathname).toBe('/forbidden')
    }
    expect(await page.getByTestId('current-user').textContent()).toBe(PLAIN.username)

    // The API agrees, independently of the SPA.
    const { token } = await loginWithApi(server, PLAIN)
    const users = await fetch(`${server.baseURL}/api/users`, { headers: { [TOKEN_HEADER]: token } })
    expect(users.status).toBe(403)
    expect(((await users.json()) as { error: { code: string } }).error.code).toBe('insufficient_role')
    await context.close()
  })

  it("a plain user sees no delete button on someone else's note, and the API refuses with 403", async () => {
    const admin = await loginWithApi(server, ADMIN)
    const created = await fetch(`${server.baseURL}/api/notes`, {
      method: 'POST',
      headers: { [TOKEN_HEADER]: admin.token, 'content-type': 'application/json' },
      body: JSON.stringify({ text: 'Admin only note' }),
    })
    expect(created.status).toBe(201)
    const note = (await created.json()) as { id: number }

    const context = await browser.newContext()
    const page = await context.newPage()
    await page.goto(`${server.baseURL}/login?redirect=%2Fnotes`)
    await signIn(page, PLAIN)
    const card = page.getByRole('article').filter({ hasText: 'Admin only note' })
    await card.waitFor()
    expect(await card.getByRole('button').count()).toBe(0)
    await context.close()

    const bob = await loginWithApi(server, PLAIN)
    const refused = await fetch(`${server.baseURL}/api/notes/${note.id}`, { method: 'DELETE', headers: { [TOKEN_HEADER]: bob.token } })
    expect(refused.status).toBe(403)
  })
})
