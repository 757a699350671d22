import { spawn } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { describe, expect, it } from 'vitest'

/**
 * `pnpm dev` as the README gives it: the API (tsx watch) and Vite side by side, the API's
 * log readable rather than JSON, and Vite's `/api` proxy reaching that API, on the port the
 * environment gives it (a free one here, so nothing else on the machine is in the way).
 */
const root = path.resolve(import.meta.dirname, '..')

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer().listen(0, '127.0.0.1', () => {
      const address = probe.address()
      probe.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))))
    })
  })
}

describe('pnpm dev', () => {
  it('runs both apps: readable API logs, the SPA from Vite, /api proxied to the API', { timeout: 90_000 }, async () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'tokenauth-dev-'))
    const port = await freePort()
    // Its own process group, so the whole tree (pnpm, concurrently, tsx, vite) is stopped.
    const dev = spawn('pnpm', ['dev'], {
      cwd: root,
      detached: true,
      env: { ...process.env, NODE_ENV: 'development', DATA_DIR: dataDir, PORT: String(port), NO_COLOR: '1', FORCE_COLOR: '0' },
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let log = ''
    dev.stdout.on('data', (chunk: Buffer) => (log += chunk.toString()))
    dev.stderr.on('data', (chunk: Buffer) => (log += chunk.toString()))
    const exited = new Promise((resolve) => dev.once('exit', resolve))
    try {
      let web: string | undefined
      const deadline = Date.now() + 60_000
      while (!(web && log.includes(`Server listening at http://127.0.0.1:${port}`))) {
        if (Date.now() > deadline || dev.exitCode !== null) throw new Error(`pnpm dev did not start:\n${log}`)
        await new Promise((resolve) => setTimeout(resolve, 200))
        web = /Local:\s+(http:\/\/\S+?)\/?\s/.exec(log)?.[1]
      }

      // pino-pretty's lines, not pino's JSON objects.
      const apiLines = log.split('\n').filter((line) => line.startsWith('[api]'))
      expect(apiLines.find((line) => line.includes('Server listening'))).toMatch(/INFO.*Server listening at http:\/\/127\.0\.0\.1:\d+/)
      expect(apiLines.filter((line) => /^\[api\]\s*\{"level"/.test(line))).toEqual([])

      const page = await fetch(`${web}/`)
      expect(page.status).toBe(200)
      const html = await page.text()
      expect(html).toContain('<div id="app">')
      expect(html).toContain('/@vite/client') // served by Vite (reloads on change), not the build

      const health = await fetch(`${web}/api/health`)
      expect(health.status).toBe(200)
      expect(await health.json()).toMatchObject({ status: 'ok' })
    } finally {
      if (dev.pid !== undefined && dev.exitCode === null) process.kill(-dev.pid, 'SIGTERM')
      await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 10_000))])
      if (dev.pid !== undefined && dev.exitCode === null) process.kill(-dev.pid, 'SIGKILL')
      rmSync(dataDir, { recursive: true, force: true })
    }
  })
})
