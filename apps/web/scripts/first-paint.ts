// Cold first paint of /login: First Contentful Paint and Largest Contentful Paint in
// Debian's Chromium (playwright-core) against the built server (`node apps/api/dist/server.js`,
// what `pnpm start` runs), the median of RUNS loads, each in a fresh browser context with
// the HTTP cache disabled. Build first (`pnpm build`), then:
//   pnpm --filter @tokenauth/web first-paint          (RUNS=7 by default)
// LATENCY_MS=50 adds that round-trip time to every request (Chromium's network emulation):
// on loopback a round trip costs nothing, so what waits for one does not show without it.
import type { Page } from 'playwright-core'
import { setupAdminWithApi } from '../e2e/support/app'
import { launchBrowser } from '../e2e/support/browser'
import { startServer } from '../e2e/support/server'

const RUNS = Number(process.env.RUNS ?? 7)
const LATENCY_MS = Number(process.env.LATENCY_MS ?? 0)

interface Sample {
  fcp: number
  lcp: number
  /** The LCP element: tag, id or class, and the start of its text. */
  element: string
}

/**
 * Runs in the page: collects `paint` and `largest-contentful-paint` entries (buffered, so
 * those before this script count) until no new LCP candidate has come for 1.5 s. A string,
 * not a function: tsx's transform would add helpers (`__name`) the page does not have.
 */
const PAINT_TIMES = `new Promise((resolve) => {
  let fcp = 0, lcp = 0, element = ''
  const finish = () => resolve({ fcp, lcp, element })
  let timer = setTimeout(finish, 1500)
  new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) if (entry.name === 'first-contentful-paint') fcp = entry.startTime
  }).observe({ type: 'paint', buffered: true })
  new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) {
      lcp = entry.startTime
      const node = entry.element
      const name = node ? node.tagName.toLowerCase() + (node.id ? '#' + node.id : node.classList.length ? '.' + [...node.classList].join('.') : '') : '(removed)'
      element = node ? name + ' "' + (node.textContent || '').trim().slice(0, 40) + '"' : name
      clearTimeout(timer)
      timer = setTimeout(finish, 1500)
    }
  }).observe({ type: 'largest-contentful-paint', buffered: true })
})`

async function paintTimes(page: Page): Promise<Sample> {
  return (await page.evaluate(PAINT_TIMES)) as Sample
}

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.floor(sorted.length / 2)] ?? NaN
}

const server = await startServer()
const browser = await launchBrowser()
try {
  // A set-up server, as people meet it: the first admin exists, so no setup hint.
  await setupAdminWithApi(server)
  const samples: Sample[] = []
  for (let run = 0; run < RUNS; run++) {
    const context = await browser.newContext({ locale: 'en-US', viewport: { width: 1280, height: 800 } })
    const page = await context.newPage()
    const cdp = await context.newCDPSession(page)
    await cdp.send('Network.enable')
    await cdp.send('Network.setCacheDisabled', { cacheDisabled: true })
    if (LATENCY_MS > 0) {
      await cdp.send('Network.emulateNetworkConditions', { offline: false, latency: LATENCY_MS, downloadThroughput: -1, uploadThroughput: -1 })
    }
    await page.goto(`${server.baseURL}/login`, { waitUntil: 'load' })
    samples.push(await paintTimes(page))
    await context.close()
  }
  for (const [run, sample] of samples.entries()) {
    console.log(`run ${run + 1}: FCP ${sample.fcp.toFixed(0)} ms, LCP ${sample.lcp.toFixed(0)} ms  ${sample.element}`)
  }
  console.log(`median of ${RUNS}${LATENCY_MS ? `, ${LATENCY_MS} ms round trips` : ''}: FCP ${median(samples.map((s) => s.fcp)).toFixed(0)} ms, LCP ${median(samples.map((s) => s.lcp)).toFixed(0)} ms`)
} finally {
  await browser.close()
  await server.stop()
}
