import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Browser, Page } from 'playwright-core'
import { PLAIN, signIn } from './support/app'
import type { RunningServer } from './support/server'
import { startAppWithAdmin, stopApp } from './support/suite'

describe('Chinese finished, and formats of the browser’s region', () => {
  let server: RunningServer
  let browser: Browser

  beforeAll(async () => {
    ;({ server, browser } = await startAppWithAdmin({ users: [PLAIN] }))
  })
  afterAll(() => stopApp({ server, browser }))

  async function signedIn(page: Page, path: string, language: 'en' | 'zh-CN'): Promise<void> {
    await page.goto(`${server.baseURL}${path}`)
    await signIn(page, PLAIN, language)
    await page.waitForURL((url) => url.pathname === path)
  }

  it('in a British browser: English words, British dates (day before month, 24-hour clock)', async () => {
    const context = await browser.newContext({ locale: 'en-GB' })
    const page = await context.newPage()
    await signedIn(page, '/sessions', 'en')
    const signedInAt = page.locator('tbody tr time').first()
    await signedInAt.waitFor()
    // en-US would write "Dec 7, 2026, 11:09 PM".
    expect(await signedInAt.getAttribute('title')).toMatch(/^\d{1,2} [A-Z][a-z]{2} \d{4}, \d{2}:\d{2}$/)
    await context.close()
  })

  it('in Chinese on a phone: device and browser in Chinese, no keyboard shortcut offered', async () => {
    const context = await browser.newContext({ locale: 'zh-CN', viewport: { width: 390, height: 800 }, isMobile: true, hasTouch: true })
    const page = await context.newPage()
    await signedIn(page, '/sessions', 'zh-CN')
    const device = page.locator('tbody tr').first()
    await device.waitFor()
    expect(await device.locator('strong').textContent()).toMatch(/^Linux 上的 Chrome \d+$/)
    expect(await device.locator('.hint').textContent()).toBe('电脑')

    await page.goto(`${server.baseURL}/notes`)
    const hint = page.getByTestId('note-remaining')
    await hint.waitFor()
    expect(await hint.textContent()).toBe('还可输入 2,000 个字符')
    await context.close()
  })

  it('on a desktop: the keyboard shortcut is offered beside the count', async () => {
    const context = await browser.newContext({ locale: 'en-US' })
    const page = await context.newPage()
    await signedIn(page, '/notes', 'en')
    const hint = page.getByTestId('note-remaining')
    await hint.waitFor()
    expect(await hint.textContent()).toBe('2,000 characters left · Ctrl+Enter to post')
    await context.close()
  })
})
