import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { freePort } from '../test-support/free-port.js'
import { send, startServerProcess, type ServerProcess } from '../test-support/server-process.js'

/** The real server in its own process, scraped as Prometheus would. */
const METRICS_TOKEN = 'metrics-token-for-the-test-0123456789abcdef'
const HEALTH_200 = 'tokenauth_http_requests_total{route="/api/health",method="GET",status="200"}'
let server: ServerProcess | undefined
const folders: string[] = []
afterEach(async () => {
  await server?.stop('SIGKILL')
  server = undefined
  for (const folder of folders.splice(0)) rmSync(folder, { recursive: true, force: true })
})

function folder(prefix: string): string {
  const made = mkdtempSync(path.join(tmpdir(), prefix))
  folders.push(made)
  return made
}

function sample(text: string, series: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `))
  return line === undefined ? undefined : Number(line.slice(series.length + 1))
}

async function waitFor(condition: () => boolean, ms: number): Promise<void> {
  const deadline = Date.now() + ms
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${ms} ms`)
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
}

/** Health requests, each on a connection of its own, until both worker threads have answered some. */
async function requestsOnBothThreads(base: string, probeDir: string): Promise<number> {
  const answeredBy = (): string[] => {
    try {
      return readFileSync(path.join(probeDir, 'answered'), 'utf8').split('\n').filter(Boolean)
    } catch {
      return []
    }
  }
  const before = answeredBy().length
  let sent = 0
  while (sent < 10 || new Set(answeredBy().slice(before)).size < 2) {
    if (sent > 400) throw new Error('the kernel never spread the connections over both threads')
    expect((await send(base, 'GET', '/api/health')).status).toBe(200)
    sent++
  }
  return sent
}

describe('the metrics of the real server', () => {
  it('WORKERS=1 with METRICS_PORT: GET /metrics there, and nothing else; the API port has none', async () => {
    const metricsPort = await freePort()
    server = await startServerProcess({ DATA_DIR: folder('tokenauth-metrics-'), METRICS_PORT: String(metricsPort) })
    const metricsBase = `http://127.0.0.1:${metricsPort}`
    const before = sample(String((await send(metricsBase, 'GET', '/metrics')).body), HEALTH_200) ?? 0
    for (let i = 0; i < 3; i++) await send(server.base, 'GET', '/api/health')
    const scraped = await send(metricsBase, 'GET', '/metrics')
    expect(scraped.status).toBe(200)
    expect(scraped.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/)
    expect(sample(String(scraped.body), HEALTH_200)).toBe(before + 3)
    expect(String(scraped.body)).toContain('process_resident_memory_bytes')
    expect((await send(metricsBase, 'GET', '/api/metrics')).status).toBe(404)
    expect((await send(server.base, 'GET', '/api/metrics')).status).toBe(404)
    // The SPA answers other paths on the API port (its page, when built); never with metrics.
    expect(String((await send(server.base, 'GET', '/metrics')).body)).not.toContain('tokenauth_')
  }, 60_000)

  it('WORKERS=2 with METRICS_PORT: one scrape counts the requests of both threads, and the process once', async () => {
    const probeDir = folder('tokenauth-metrics-probe-')
    const metricsPort = await freePort()
    server = await startServerProcess(
      { DATA_DIR: folder('tokenauth-metrics-'), WORKERS: '2', METRICS_PORT: String(metricsPort), RATE_LIMIT_MAX: '100000', TOKENAUTH_TEST_PROBE_DIR: probeDir },
      ['--import', path.join(import.meta.dirname, '../test-support/thread-probe.ts')],
    )
    const running = server
    await waitFor(() => running.stdout().includes('2 workers listening'), 15_000)
    const metricsBase = `http://127.0.0.1:${metricsPort}`
    const before = String((await send(metricsBase, 'GET', '/metrics')).body)
    const sent = await requestsOnBothThreads(server.base, probeDir)
    const after = String((await send(metricsBase, 'GET', '/metrics')).body)
    expect(sample(after, HEALTH_200)).toBe((sample(before, HEALTH_200) ?? 0) + sent)
    expect(sample(after, 'tokenauth_worker_threads')).toBe(2)
    // The process's own series come once, from the main thread: one line, not one per thread.
    expect(after.split('\n').filter((line) => line.startsWith('process_cpu_user_seconds_total ')).length).toBe(1)
  }, 60_000)

  it('WORKERS=2 with METRICS_TOKEN: /api/metrics, whichever thread takes it, answers for the whole process', async () => {
    const probeDir = folder('tokenauth-metrics-probe-')
    server = await startServerProcess(
      { DATA_DIR: folder('tokenauth-metrics-'), WORKERS: '2', METRICS_TOKEN, RATE_LIMIT_MAX: '100000', TOKENAUTH_TEST_PROBE_DIR: probeDir },
      ['--import', path.join(import.meta.dirname, '../test-support/thread-probe.ts')],
    )
    const running = server
    await waitFor(() => running.stdout().includes('2 workers listening'), 15_000)
    const scrape = async (): Promise<string> => {
      const answer = await send(running.base, 'GET', '/api/metrics', { headers: { authorization: `Bearer ${METRICS_TOKEN}` } })
      expect(answer.status).toBe(200)
      return String(answer.body)
    }
    expect((await send(running.base, 'GET', '/api/metrics', { headers: { authorization: 'Bearer wrong' } })).status).toBe(401)
    const before = sample(await scrape(), HEALTH_200) ?? 0
    const sent = await requestsOnBothThreads(running.base, probeDir)
    const totals = [sample(await scrape(), HEALTH_200), sample(await scrape(), HEALTH_200), sample(await scrape(), HEALTH_200)]
    expect(totals).toEqual([before + sent, before + sent, before + sent])
  }, 60_000)
})
