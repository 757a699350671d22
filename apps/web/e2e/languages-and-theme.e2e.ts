import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Browser, Page } from 'playwright-core'
import { ADMIN } from './support/app'
import type { RunningServer } from './support/server'
import { startAppWithAdmin, stopApp } from './support/suite'

async function signInAs(page: Page, user: { username: string; password: string }): Promise<void> {
  await page.locator('#login-username').fill(user.username)
  await page.locator('#login-password').fill(user.password)
  await page.locator('#login-password').press('Enter')
}

describe('languages and theme', () => {
  let server: RunningServer
  let browser: Browser

  beforeAll(async () => {
    ;({ server, browser } = await startAppWithAdmin())
  })
  afterAll(() => stopApp({ server, browser }))

  it('a Chinese browser gets Chinese on the sign-in page and the dashboard, dates included', async () => {
    const context = await browser.newContext({ locale: 'zh-CN' })
    const page = await context.newPage()
    await page.goto(`${server.baseURL}/login`)
    await page.getByRole('heading', { name: '登录' }).waitFor()
    expect(await page.evaluate(() => document.documentElement.lang)).toBe('zh-CN')
    expect(await page.getByLabel('用户名').count()).toBe(1)
    await signInAs(page, ADMIN)
    await page.getByRole('heading', { name: '概览' }).waitFor()
    expect(await page.getByRole('navigation', { name: '主导航' }).getByRole('link').allTextContents()).toEqual([
      '概览',
      '笔记',
      '登录设备',
      '用户',
      '审计日志',
    ])
    // Dates in Chinese too: "2026年11月30日 …".
    expect(await page.locator('dd').filter({ hasText: /\d{4}年\d{1,2}月\d{1,2}日/ }).count()).toBeGreaterThan(0)
    expect(await page.title()).toBe('概览 · tokenauth')
    await context.close()
  })

  it('an English browser gets English; the switch changes the language at once, and it is remembered', async () => {
    const context = await browser.newContext({ locale: 'en-US' })
    const page = await context.newPage()
    let loads = 0
    page.on('load', () => loads++)
    await page.goto(`${server.baseURL}/login`)
    await page.getByRole('heading', { name: 'Sign in' }).waitFor()
    expect(await page.evaluate(() => document.documentElement.lang)).toBe('en')

    await page.getByTestId('language-switch').selectOption('zh-CN')
    await page.getByRole('heading', { name: '登录' }).waitFor()
    expect(await page.evaluate(() => document.documentElement.lang)).toBe('zh-CN')
    expect(loads).toBe(1) // no reload

    await page.reload()
    await page.getByRole('heading', { name: '登录' }).waitFor()
    await signInAs(page, ADMIN)
    await page.getByRole('heading', { name: '概览' }).waitFor()

    // And back, in the header, while signed in.
    await page.getByTestId('language-switch').selectOption('en')
    await page.getByRole('heading', { name: 'Overview' }).waitFor()
    expect(await page.evaluate(() => document.documentElement.lang)).toBe('en')
    await context.close()
  })

  it('the theme switch: system follows the browser, light and dark override it, and the choice is remembered', async () => {
    const context = await browser.newContext({ colorScheme: 'dark', locale: 'en-US' })
    const page = await context.newPage()
    const background = () => page.evaluate(() => getComputedStyle(document.body).backgroundColor)
    await page.goto(`${server.baseURL}/login`)
    await page.getByRole('heading', { name: 'Sign in' }).waitFor()
    const systemDark = await background()

    await page.getByTestId('theme-switch').selectOption('light')
    const light = await background()
    expect(light).not.toBe(systemDark)
    expect(await page.evaluate(() => document.documentElement.dataset.theme)).toBe('light')

    await page.reload()
    await page.getByRole('heading', { name: 'Sign in' }).waitFor()
    expect(await background()).toBe(light)
    expect(await page.getByTestId('theme-switch').inputValue()).toBe('light')

    await page.getByTestId('theme-switch').selectOption('dark')
    expect(await background()).toBe(systemDark)
    await page.getByTestId('theme-switch').selectOption('system')
    expect(await page.evaluate(() => document.documentElement.dataset.theme)).toBeUndefined()
    expect(await background()).toBe(systemDark)
    await context.close()
  })
})
