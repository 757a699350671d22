import cluster from 'node:cluster'
import closeWithGrace from 'close-with-grace'
import { buildApp } from './app.js'
import { ConfigError, loadConfig, type Config } from './config/config.js'
import { loadEnvFile } from './config/env-file.js'
import { loadSecrets } from './config/secrets.js'
import { systemClock } from './clock.js'
import { createServices, type Services } from './services.js'
import { SETUP_TOKEN_TTL_SECONDS } from './auth/setup-tokens.js'
import { pruneExpired } from './housekeeping.js'
import { runPrimary } from './cluster/primary.js'

/** Prunes expired sessions and old audit events this often, so the tables do not grow forever. */
const PRUNE_INTERVAL_MS = 10 * 60 * 1000

async function main(): Promise<void> {
  // Tests set their whole environment themselves: a developer's .env must not change them.
  if (process.env.NODE_ENV !== 'test') loadEnvFile()
  const config = loadConfig()
  if (config.workers > 1 && cluster.isPrimary) {
    // Once, before any worker: generate missing dev secrets, migrate the database, and
    // print the setup link, so N workers never race at any of the three.
    const services = await createServices(config, loadSecrets(config), systemClock)
    await printSetupLinkIfNoUsers(services, config.publicUrl ?? `http://${config.host}:${config.port}`)
    await services.close()
    runPrimary(config.workers, config.shutdownTimeoutSeconds * 1000, (line) => process.stdout.write(`tokenauth: ${line}\n`))
    return
  }
  await serve(config)
}

/** One API process: the whole server (alone, or as one of `WORKERS`). */
async function serve(config: Config): Promise<void> {
  const app = await buildApp(config)
  const { services } = app

  const prune = (): void => {
    pruneExpired(services).then(
      (removed) => {
        if (removed.sessions + removed.auditEvents > 0) app.log.info(removed, 'pruned expired sessions and audit events')
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
  closeWithGrace(
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
      await app.close()
    },
  )

  const address = await app.listen({ host: config.host, port: config.port })
  if (cluster.isPrimary) await printSetupLinkIfNoUsers(services, config.publicUrl ?? address)
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
