import { spawn, type ChildProcess } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { send } from '../test-support/server-process.js'
import { stalledRequest } from '../test-support/raw-http.js'
import { reusePortSupported } from './threads.js'

const root = path.resolve(import.meta.dirname, '../../../..')
const dirs: string[] = []
const children: ChildProcess[] = []
afterEach(() => {
  for (const child of children.splice(0)) child.kill('SIGKILL')
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true })
})

/** `WORKERS=2` with `PORT=0`, the probe noting which thread answers; resolves once the main thread says where they listen. */
async function startOnPortZero(env: Record<string, string> = {}) {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'tokenauth-threads-'))
  const probeDir = mkdtempSync(path.join(tmpdir(), 'tokenauth-threads-probe-'))
  dirs.push(dataDir, probeDir)
  const probe = path.join(import.meta.dirname, '../test-support/thread-probe.ts')
  const child = spawn(process.execPath, ['--conditions=source', '--import', 'tsx', '--import', probe, path.join(root, 'apps/api/src/server.ts')], {
    cwd: root,
    env: { ...process.env, NODE_ENV: 'development', HOST: '127.0.0.1', PORT: '0', WORKERS: '2', LOG_LEVEL: 'error', DATA_DIR: dataDir, TOKENAUTH_TEST_PROBE_DIR: probeDir, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  children.push(child)
  let output = ''
  for (const stream of [child.stdout, child.stderr]) stream?.setEncoding('utf8').on('data', (chunk: string) => (output += chunk))
  const exit = new Promise<{ code: number | null; at: number }>((resolve) => child.once('exit', (code) => resolve({ code, at: Date.now() })))
  const deadline = Date.now() + 20_000
  for (;;) {
    const port = /2 workers listening at http:\/\/127\.0\.0\.1:(\d+)/.exec(output)?.[1]
    if (port) return { child, port: Number(port), exit, output: () => output, answeredBy: () => readFileSync(path.join(probeDir, 'answered'), 'utf8').split('\n').filter(Boolean) }
    if (child.exitCode !== null || Date.now() > deadline) throw new Error(`server did not start:\n${output}`)
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
}

describe('WORKERS=N as worker threads', { timeout: 60_000 }, () => {
  it('needs SO_REUSEPORT: Linux and FreeBSD have it, macOS and Windows do not', () => {
    expect(reusePortSupported('linux')).toBe(true)
    expect(reusePortSupported('freebsd')).toBe(true)
    expect(reusePortSupported('darwin')).toBe(false)
    expect(reusePortSupported('win32')).toBe(false)
  })

  it('PORT=0: the first thread picks a port and the other joins it there; both answer on it', async () => {
    const server = await startOnPortZero()
    expect(server.port).toBeGreaterThan(0)
    for (let i = 0; i < 20; i++) expect((await send(`http://127.0.0.1:${server.port}`, 'GET', '/api/health')).status).toBe(200)
    expect(new Set(server.answeredBy()).size).toBe(2)
  })

  it('SIGTERM with a request still in flight at the deadline: the main thread exits 1 after SHUTDOWN_TIMEOUT', async () => {
    const server = await startOnPortZero({ SHUTDOWN_TIMEOUT: '2s' })
    // The headers of a sign-in whose body never comes: in flight until the deadline.
    const socket = await stalledRequest(server.port)
    const sentAt = Date.now()
    server.child.kill('SIGTERM')
    const { code, at } = await server.exit
    socket.destroy()
    expect(code).toBe(1)
    expect(at - sentAt).toBeGreaterThanOrEqual(1900)
    expect(server.output()).toContain('requests still running at the shutdown deadline')
  })
})
