// First, before any other module schedules work: see the module.
import './runtime/hold-tick-shape.js'
import { isMainThread, parentPort, workerData, type Worker } from 'node:worker_threads'
import closeWithGrace from 'close-with-grace'
import type { FastifyListenOptions } from 'fastify'
import { buildApp } from './app.js'
import { ConfigError, loadConfig, metricsEnabled, type Config } from './config/config.js'
import { loadEnvFile } from './config/env-file.js'
import { loadSecrets } from './config/secrets.js'
import { systemClock } from './clock.js'
import { createServices, type Services } from './services.js'
import { SETUP_TOKEN_TTL_SECONDS } from './auth/setup-tokens.js'
import { pruneExpired } from './housekeeping.js'
import { DRAIN, reusePortSupported, runThreads, type ThreadData, type ThreadMessage } from './cluster/threads.js'
import { createSharedCounterTables } from './store/shared-counter-tables.js'
import { PrometheusMetrics } from './metrics/app-metrics.js'
import { startMetricsServer } from './metrics/metrics-server.js'
import { ThreadMetricsGatherer, answerMetricsRequests } from './metrics/thread-metrics.js'

/** Prunes expired sessions and old audit events this often, so the tables do not grow forever. */
const PRUNE_INTERVAL_MS = 10 * 60 * 1000

async function main(): Promise<void> {
  // Tests set their whole environment themselves: a developer's .env must not change them.
  if (process.env.NODE_ENV !== 'test') loadEnvFile()
  const config = loadConfig()
  if (config.workers > 1 && isMainThread) {
    if (!reusePortSupported()) {
      throw new ConfigError(`WORKERS>1 needs SO_REUSEPORT (Linux, FreeBSD), which ${process.platform} lacks: run WORKERS=1, one instance per port behind a proxy`)
    }
    // Once, before any worker: generate missing dev secrets, migrate the database, and
    // print the setup link, so N workers never race at any of the three.
    const services = await createServices(config, loadSecrets(config), systemClock)
    await printSetupLinkIfNoUsers(services, config.publicUrl ?? browserUrl(`http://${config.host}:${config.port}`))
    await services.close()
    const log = (line: string): void => void process.stdout.write(`tokenauth: ${line}\n`)
    // Metrics: the main thread gathers every worker's; it serves METRICS_PORT itself, and
    // answers the workers' `/api/metrics` (METRICS_TOKEN) through their ports.
    const gatherer = metricsEnabled(config) ? new ThreadMetricsGatherer() : undefined
    if (gatherer && config.metricsPort !== undefined) {
      await startMetricsServer({
        host: config.metricsHost,
        port: config.metricsPort,
        scrape: () => gatherer.gather(),
        onError: (error) => log(`metrics could not be gathered: ${error instanceof Error ? error.message : String(error)}`),
      })
      log(`metrics at http://${config.metricsHost}:${config.metricsPort}/metrics`)
    }
    runThreads({
      workers: config.workers,
      entry: new URL(import.meta.url),
      port: config.port,
      counterTables: createSharedCounterTables(),
      drainTimeoutMs: config.shutdownTimeoutSeconds * 1000,
      log,
      ...(gatherer ? { onWorkerStarted: (worker: Worker) => gatherer.add(worker) } : {}),
    })
    return
  }
  await serve(config)
}

/** The whole server: in the process alone, or in one of `WORKERS=N`'s worker threads. */
async function serve(config: Config): Promise<void> {
  const app = await buildApp(config)
  const { services } = app
  await app.ready()
  const { metrics } = services
  if (metrics instanceof PrometheusMetrics && !isMainThread) answerMetricsRequests(() => metrics.json())
  // METRICS_PORT with the server in the main thread (WORKERS=1); under WORKERS=N the main thread serves it.
  const metricsServer =
    metrics instanceof PrometheusMetrics && isMainThread && config.metricsPort !== undefined
      ? await startMetricsServer({
          host: config.metricsHost,
          port: config.metricsPort,
          scrape: () => metrics.text(),
          onError: (err) => app.log.error({ err }, 'metrics could not be gathered'),
        })
      : undefined

  const prune = (): void => {
    pruneExpired(services).then(
      (removed) => {
        if (removed.sessions + removed.signInChallenges + removed.webauthnChallenges + removed.auditEvents > 0) app.log.info(removed, 'pruned expired sessions, challenges and audit events')
      },
      // A database outage during housekeeping is retried at the next interval.
      (err: unknown) => app.log.warn({ err }, 'pruning expired sessions and audit events failed'),
    )
  }
  prune()
  const pruneTimer = setInterval(prune, PRUNE_INTERVAL_MS)
  pruneTimer.unref()

  // SIGTERM/SIGINT: stop accepting, let in-flight requests finish (503 to new ones on kept
  // connections), close the database, exit 0. A second signal, or the deadline passing,
  // exits at once with 1. An uncaught error is logged and closes the same way, with 1.
  const graceful = closeWithGrace(
    {
      delay: config.shutdownTimeoutSeconds * 1000,
      logger: { error: (message: unknown) => app.log.error(message) },
      onSecondSignal: (signal) => app.log.warn({ signal }, 'second signal: exiting without waiting'),
      onTimeout: (delay) => app.log.error({ delayMs: delay }, 'requests still running at the shutdown deadline: exiting'),
    },
    async ({ signal, err }) => {
      if (err) app.log.fatal({ err }, 'uncaught error: shutting down')
      else app.log.info({ signal }, 'shutting down')
      clearInterval(pruneTimer)
      metricsServer?.close()
      await app.close()
    },
  )

  if (isMainThread) {
    const address = await app.listen({ host: config.host, port: config.port })
    await printSetupLinkIfNoUsers(services, config.publicUrl ?? browserUrl(address))
    return
  }
  // One of WORKERS=N: the same port as the other threads (SO_REUSEPORT), and the main
  // thread's signal to drain instead of SIGTERM (signals reach the main thread only).
  // Fastify hands its listen options to net.Server#listen as they are; its types lack `reusePort`.
  const listenOptions: FastifyListenOptions & { reusePort: boolean } = { host: config.host, port: (workerData as ThreadData).port ?? config.port, reusePort: true }
  const address = await app.listen(listenOptions)
  parentPort?.on('message', (message) => {
    if (message === DRAIN) void graceful.close()
  })
  const bound = app.server.address()
  const listening: ThreadMessage = { type: 'listening', address, port: typeof bound === 'object' && bound !== null ? bound.port : listenOptions.port ?? 0 }
  parentPort?.postMessage(listening)
}

const LOOPBACK_OR_ANY = new Set(['127.0.0.1', '[::1]', '0.0.0.0', '[::]'])

/**
 * The address to open in a browser: `localhost` for a loopback or wildcard address, since
 * passkeys refuse an IP address and `localhost` is the secure context they accept over http.
 */
function browserUrl(address: string): string {
  const url = new URL(address)
  if (LOOPBACK_OR_ANY.has(url.hostname)) url.hostname = 'localhost'
  return url.origin
}

async function printSetupLinkIfNoUsers(services: Services, baseUrl: string): Promise<void> {
  if ((await services.users.count()) !== 0) return
  const token = await services.setupTokens.issue()
  const minutes = Math.round(SETUP_TOKEN_TTL_SECONDS / 60)
  // The token is in the fragment: browsers never send it, so it stays out of logs and Referer.
  process.stdout.write(
    `\nCreate the first admin account: ${baseUrl}/setup#token=${token}  (single use, expires in ${minutes === 60 ? '1 hour' : `${minutes} minutes`})\n` +
      `Or from a shell: pnpm users add <name> --role admin\n\n`,
  )
}

main().catch((error: unknown) => {
  if (error instanceof ConfigError) {
    process.stderr.write(`Configuration error: ${error.message}\n`)
  } else {
    process.stderr.write(`Failed to start: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`)
  }
  process.exit(1)
})
