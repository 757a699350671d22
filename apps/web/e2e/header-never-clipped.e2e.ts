import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Browser, Page } from 'playwright-core'
import { ADMIN } from './support/app'
import type { RunningServer } from './support/server'
import { startAppWithAdmin, stopApp } from './support/suite'

const WIDTHS = [320, 390, 768, 1024, 1100, 1280, 1440, 1920, 2560]

/**
 * Every visible element of the header whose box leaves its container's, or the header's,
 * or that is cut by an ancestor that clips (overflow other than visible). Visually hidden
 * text (1 px boxes) is meant to be so and left out.
 */
function clippedInHeader(page: Page) {
  return page.evaluate(() => {
    const header = document.querySelector('.dash-header__inner') as HTMLElement
    const outer = header.getBoundingClientRect()
    const problems: string[] = []
    const name = (el: Element) => `${el.tagName.toLowerCase()}.${[...el.classList].join('.')} "${(el.textContent ?? '').trim().slice(0, 30)}"`
    for (const el of header.querySelectorAll<HTMLElement>('*')) {
      const box = el.getBoundingClientRect()
      if (box.width <= 1 || box.height <= 1 || getComputedStyle(el).visibility === 'hidden') continue
      if (el.offsetParent === null && getComputedStyle(el).position !== 'fixed') continue
      if (box.left < outer.left - 0.5 || box.right > outer.right + 0.5 || box.right > window.innerWidth + 0.5) problems.push(`${name(el)} leaves the header`)
      const parent = el.parentElement?.getBoundingClientRect()
      if (parent && parent.width > 1 && (box.left < parent.left - 0.5 || box.right > parent.right + 0.5)) problems.push(`${name(el)} leaves its container`)
      if (el.scrollWidth > el.clientWidth + 1 && getComputedStyle(el).overflowX !== 'visible') problems.push(`${name(el)} is cut (${el.scrollWidth} > ${el.clientWidth})`)
    }
    // A focus ring is drawn outside its link: no ancestor of a link may clip.
    for (const link of header.querySelectorAll('a, button')) {
      if (link.getBoundingClientRect().width <= 1) continue
      for (let up = link.parentElement; up && up !== header.parentElement; up = up.parentElement) {
        const style = getComputedStyle(up)
        if (style.overflowX !== 'visible' || style.overflowY !== 'visible') problems.push(`${name(link)}: focus ring cut by ${name(up)}`)
      }
    }
    return problems
  })
}

describe('the header is never clipped', () => {
  let server: RunningServer
  let browser: Browser

  beforeAll(async () => {
    ;({ server, browser } = await startAppWithAdmin())
  })
  afterAll(() => stopApp({ server, browser }))

  for (const locale of ['en-US', 'zh-CN']) {
    it(`for an admin in ${locale}, from 320 to 2560 px`, async () => {
      const context = await browser.newContext({ locale })
      const page = await context.newPage()
      await page.setViewportSize({ width: 1440, height: 900 })
      await page.goto(`${server.baseURL}/login`)
      await page.locator('#login-username').fill(ADMIN.username)
      await page.locator('#login-password').fill(ADMIN.password)
      await page.locator('#login-password').press('Enter')
      await page.locator('.dash-header__inner').waitFor()
      const problems: string[] = []
      for (const width of WIDTHS) {
        await page.setViewportSize({ width, height: 900 })
        await page.waitForTimeout(50)
        problems.push(...(await clippedInHeader(page)).map((problem) => `${width}px: ${problem}`))
      }
      expect(problems).toEqual([])
      await context.close()
    })
  }
})
