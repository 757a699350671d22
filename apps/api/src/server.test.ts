import { spawn, type ChildProcess } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { connect, type Socket } from 'node:net'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'

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
  readonly exit: Promise<{ code: number | null; at: number }>
  output(): string
}

async function start(env: Record<string, string> = {}): Promise<Started> {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'tokenauth-server-'))
  dirs.push(dataDir)
  const child = spawn(process.execPath, ['--conditions=source', '--import', 'tsx', serverEntry], {
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
    if (port) return { child, port: Number(port), exit, output: () => log }
    if (child.exitCode !== null || Date.now() > deadline) throw new Error(`server did not start:\n${log}`)
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
}

/** Sends the headers of a request whose body never comes: a request in flight. */
async function stalledRequest(port: number): Promise<Socket> {
  const socket = connect(port, '127.0.0.1')
  await new Promise((resolve) => socket.once('connect', resolve))
  socket.on('error', () => {})
  socket.write('POST /api/auth/login HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\ncontent-length: 100\r\n\r\n{"user')
  await new Promise((resolve) => setTimeout(resolve, 200))
  return socket
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
