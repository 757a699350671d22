import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Browser } from 'playwright-core'
import { failSignIn, PLAIN, signIn } from './support/app'
import { axeViolations } from './support/axe'
import type { RunningServer } from './support/server'
import { startAppWithAdmin, stopApp } from './support/suite'

describe('the account menu and an Overview for people', () => {
  let server: RunningServer
  let browser: Browser

  beforeAll(async () => {
    ;({ server, browser } = await startAppWithAdmin({ users: [PLAIN] }))
    // Someone tried bob's account: his Overview should say so.
    await failSignIn(server, PLAIN.username, 'Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:128.0) Gecko/20100101 Firefox/128.0')
  })
  afterAll(() => stopApp({ server, browser }))

  it('the Overview leads with the person, and folds tokens and session ids away', async () => {
    const context = await browser.newContext({ locale: 'en-US', viewport: { width: 1440, height: 900 } })
    const page = await context.newPage()
    await page.goto(`${server.baseURL}/login`)
    await signIn(page, PLAIN)
    await page.getByTestId('recent-sign-ins').waitFor()
    expect(await page.locator('main h2').allTextContents()).toEqual(['You', 'Your devices', 'Recent sign-ins', 'Second factors'])
    const signIns = page.getByTestId('recent-sign-ins').locator('li')
    expect(await signIns.locator('.badge').allTextContents()).toEqual(['Signed in', 'Refused'])
    expect(await signIns.nth(1).textContent()).toContain('Firefox 128 on Windows (Desktop)')
    expect(await page.getByTestId('overview-devices').textContent()).toBe('Signed in on 1 device')
    // The session id is there, under a closed disclosure, out of sight until asked for.
    expect(await page.getByText('Session id').isVisible()).toBe(false)
    await page.getByText('Technical details').click()
    expect(await page.getByText('Session id').isVisible()).toBe(true)
    expect(await axeViolations(page)).toEqual([])
    await context.close()
  })

  it('the name in the header opens the account menu: profile, second factors, devices, the storage demo; Escape closes it', async () => {
    const context = await browser.newContext({ locale: 'en-US', viewport: { width: 1440, height: 900 } })
    const page = await context.newPage()
    await page.goto(`${server.baseURL}/login`)
    await signIn(page, PLAIN)
    await page.getByRole('heading', { name: 'Overview' }).waitFor()
    expect(await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Session & cookies' }).count()).toBe(0)

    const name = page.getByTestId('account-menu-button')
    await name.click()
    expect(await name.getAttribute('aria-expanded')).toBe('true')
    const menu = page.getByRole('navigation', { name: 'Your account' })
    expect(await menu.getByRole('link').allTextContents()).toEqual(['Profile', 'Second factors', 'Devices', 'Session & cookies'])
    expect(await axeViolations(page)).toEqual([])
    await page.keyboard.press('Escape')
    expect(await menu.count()).toBe(0)
    expect(await page.evaluate(() => document.activeElement?.getAttribute('data-testid'))).toBe('account-menu-button')

    await name.click()
    await menu.getByRole('link', { name: 'Second factors' }).click()
    await page.waitForURL((url) => url.pathname === '/profile' && url.hash === '#second-factors')
    expect(await menu.count()).toBe(0)
    await page.locator('#second-factors').waitFor()
    const inView = await page.locator('#second-factors').evaluate((section) => {
      const box = section.getBoundingClientRect()
      return box.top >= 0 && box.top < window.innerHeight
    })
    expect(inView).toBe(true)

    // A click elsewhere closes it too.
    await name.click()
    await page.getByRole('heading', { level: 1 }).click()
    expect(await menu.count()).toBe(0)
    await context.close()
  })

  it('on a phone in Chinese the drawer lists the account pages under the name', async () => {
    const context = await browser.newContext({ locale: 'zh-CN', viewport: { width: 390, height: 800 } })
    const page = await context.newPage()
    await page.goto(`${server.baseURL}/login`)
    await signIn(page, PLAIN, 'zh-CN')
    await page.getByRole('heading', { name: '概览' }).waitFor()
    await page.getByTestId('menu-button').click()
    const drawer = page.getByRole('dialog', { name: '菜单' })
    const account = drawer.getByRole('navigation', { name: '你的账号' })
    expect(await account.getByRole('link').allTextContents()).toEqual(['个人资料', '第二因素', '登录设备', '会话与 Cookie'])
    await account.getByRole('link', { name: '会话与 Cookie' }).click()
    await page.waitForURL((url) => url.pathname === '/session')
    expect(await drawer.count()).toBe(0)
    await context.close()
  })
})
