import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Browser } from 'playwright-core'
import { ADMIN, signIn } from './support/app'
import type { RunningServer } from './support/server'
import { startAppWithAdmin, stopApp } from './support/suite'

describe('the first throttle step', () => {
  let server: RunningServer
  let browser: Browser

  beforeAll(async () => {
    ;({ server, browser } = await startAppWithAdmin())
  })
  afterAll(() => stopApp({ server, browser }))

  it('says the refused try was not checked, counts down, and keeps saying so when the wait is over', async () => {
    const context = await browser.newContext({ locale: 'en-US' })
    const page = await context.newPage()
    await page.goto(`${server.baseURL}/login`)
    const alert = page.locator('#login-error')
    const wrong = { username: ADMIN.username, password: 'not the password' }
    // Wrong passwords, one after another, until the server first refuses to check one (429).
    for (let tries = 0; ; tries++) {
      expect(tries).toBeLessThan(20)
      const answer = page.waitForResponse((response) => new URL(response.url()).pathname === '/api/auth/login')
      await signIn(page, wrong)
      if ((await answer).status() === 429) break
      await alert.filter({ hasText: 'Incorrect username or password.' }).waitFor()
    }
    await expect.poll(() => alert.textContent()).toMatch(/not checked/)
    // Through the countdown and after it, the words say that try was not checked.
    const seen = new Set<string>()
    const until = Date.now() + 2500
    while (Date.now() < until) {
      seen.add(((await alert.textContent()) ?? '').trim())
      await new Promise((resolve) => setTimeout(resolve, 100))
    }
    for (const text of seen) expect(text).toMatch(/That password was not checked/)
    expect([...seen].some((text) => /Try again in \d+ s\./.test(text))).toBe(true)
    expect([...seen].at(-1)).toMatch(/You can try again now\.$/)
    await context.close()
  })
})
