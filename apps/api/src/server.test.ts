import { spawn, type ChildProcess } from 'node:child_process'
import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { stalledRequest } from './test-support/raw-http.js'

/** The real server process, from source, as `pnpm dev` runs it; stopped by signals. */
const serverEntry = path.resolve(import.meta.dirname, 'server.ts')
const dirs: string[] = []
const children = new Set<ChildProcess>()
afterAll(() => {
  for (const child of children) child.kill('SIGKILL')
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true })
})

interface Started {
  readonly child: ChildProcess
  readonly port: number
  readonly dataDir: string
  readonly exit: Promise<{ code: number | null; at: number }>
  output(): string
}

async function start(env: Record<string, string> = {}, preload: string[] = []): Promise<Started> {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'tokenauth-server-'))
  dirs.push(dataDir)
  const child = spawn(process.execPath, ['--conditions=source', '--import', 'tsx', ...preload.flatMap((m) => ['--import', m]), serverEntry], {
    env: { ...process.env, NODE_ENV: 'test', LOG_LEVEL: 'info', DATA_DIR: dataDir, PORT: '0', HOST: '127.0.0.1', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  children.add(child)
  let log = ''
  child.stdout?.on('data', (chunk: Buffer) => (log += chunk.toString()))
  child.stderr?.on('data', (chunk: Buffer) => (log += chunk.toString()))
  const exit = new Promise<{ code: number | null; at: number }>((resolve) =>
    child.once('exit', (code) => resolve({ code, at: Date.now() })),
  )
  const deadline = Date.now() + 20_000
  for (;;) {
    const port = /"msg":"Server listening at http:\/\/127\.0\.0\.1:(\d+)"/.exec(log)?.[1]
    if (port) return { child, port: Number(port), dataDir, exit, output: () => log }
    if (child.exitCode !== null || Date.now() > deadline) throw new Error(`server did not start:\n${log}`)
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
}

// Each test starts a server from source: seconds on a busy machine.
describe('server shutdown', { timeout: 60_000 }, () => {
  it('exits 0 on SIGTERM when nothing is in flight, and says so', async () => {
    const server = await start()
    server.child.kill('SIGTERM')
    const { code } = await server.exit
    expect(code).toBe(0)
    expect(server.output()).toMatch(/"signal":"SIGTERM".*"msg":"shutting down"/)
  })

  it('waits for a request in flight until the deadline, then exits 1', async () => {
    const server = await start({ SHUTDOWN_TIMEOUT: '2s' })
    const socket = await stalledRequest(server.port)
    const sentAt = Date.now()
    server.child.kill('SIGTERM')
    const { code, at } = await server.exit
    socket.destroy()
    expect(code).toBe(1)
    expect(at - sentAt).toBeGreaterThanOrEqual(1900)
    expect(server.output()).toContain('requests still running at the shutdown deadline')
  })

  it('exits at once on a second signal', async () => {
    const server = await start({ SHUTDOWN_TIMEOUT: '60s' })
    const socket = await stalledRequest(server.port)
    server.child.kill('SIGTERM')
    await new Promise((resolve) => setTimeout(resolve, 300))
    const secondAt = Date.now()
    server.child.kill('SIGINT')
    const { code, at } = await server.exit
    socket.destroy()
    expect(code).toBe(1)
    expect(at - secondAt).toBeLessThan(5000)
    expect(server.output()).toContain('second signal')
  })
})

/**
 * A module loaded before the server: SIGWINCH (which close-with-grace leaves alone) makes
 * the process throw outside any request, or leave a promise rejection unhandled.
 */
const faultInjector = (fault: 'throw' | 'reject'): string =>
  `data:text/javascript,process.once('SIGWINCH', () => { const e = new Error('injected ${fault}'); ${fault === 'throw' ? 'throw e' : 'Promise.reject(e)'} })`

describe('an uncaught error in the server', { timeout: 60_000 }, () => {
  it.each(['throw', 'reject'] as const)('(%s) is logged, then the server closes and exits 1', async (fault) => {
    const server = await start({}, [faultInjector(fault)])
    const wal = path.join(server.dataDir, 'tokenauth.sqlite-wal')
    expect(existsSync(wal)).toBe(true)
    server.child.kill('SIGWINCH')
    const { code } = await server.exit
    expect(code).toBe(1)
    const fatal = server
      .output()
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as { level: number; msg: string; err?: { message: string; stack: string } })
      .find((entry) => entry.msg === 'uncaught error: shutting down')
    expect(fatal).toMatchObject({ level: 60, err: { message: `injected ${fault}` } })
    expect(fatal?.err?.stack).toContain('Error: injected')
    // Ended through app.close(), not Node's crash: no crash report, and the database was
    // closed (SQLite removes the write-ahead log when its last connection closes).
    expect(server.output()).not.toMatch(/^Node\.js v/m)
    expect(existsSync(wal)).toBe(false)
  })
})
