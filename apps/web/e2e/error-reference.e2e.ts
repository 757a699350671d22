import { spawn, type ChildProcess } from 'node:child_process'
import { once } from 'node:events'
import { connect } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Browser } from 'playwright-core'
import { ADMIN, signIn } from './support/app'
import { freePort, type RunningServer } from './support/server'
import { startAppWithAdmin, stopApp } from './support/suite'

/** Resolves once a Redis server on `port` answers PING. */
async function redisAnswers(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1')
    socket.once('error', () => resolve(false))
    socket.once('connect', () => socket.write('PING\r\n'))
    socket.once('data', (data) => {
      socket.destroy()
      resolve(data.toString().startsWith('+PONG'))
    })
  })
}

describe('a failure on the server side names its reference', () => {
  let server: RunningServer
  let browser: Browser
  let redis: ChildProcess

  beforeAll(async () => {
    // Redis holds the per-IP request counters: with it gone, every API request fails with 503.
    const port = await freePort()
    redis = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' })
    for (let i = 0; !(await redisAnswers(port)); i++) {
      if (i > 100) throw new Error('redis-server did not start')
      await new Promise((resolve) => setTimeout(resolve, 50))
    }
    ;({ server, browser } = await startAppWithAdmin({ env: { REDIS_URL: `redis://127.0.0.1:${port}` } }))
  })
  afterAll(async () => {
    redis?.kill('SIGKILL')
    await stopApp({ server, browser })
  })

  it('shows the x-request-id of the refused request in the notice, for the person to quote', async () => {
    const page = await browser.newPage()
    await page.goto(`${server.baseURL}/login`)
    await signIn(page, ADMIN)
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Notes' }).click()
    await page.waitForURL((url) => url.pathname === '/notes')

    const exited = once(redis, 'exit')
    redis.kill('SIGKILL')
    await exited
    await page.getByLabel('Note', { exact: true }).fill('Written while Redis is down')
    const answer = page.waitForResponse((response) => new URL(response.url()).pathname === '/api/notes' && response.request().method() === 'POST')
    await page.getByRole('button', { name: 'Post note' }).click()
    const refused = await answer
    expect(refused.status()).toBe(503)
    const id = refused.headers()['x-request-id']
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/)
    const notice = page.getByRole('region', { name: 'Notifications' }).getByText(`(reference: ${id})`)
    await notice.waitFor()
    expect(await notice.textContent()).toContain('The service is busy.')
    await page.close()
  })
})
