import { Worker } from 'node:worker_threads'
import type { SharedCounterTables } from '../store/shared-counter-tables.js'

/** A worker that dies this soon after it started is failing to start: wait before the next. */
const CRASH_LOOP_MS = 2000
const RESTART_DELAY_MS = 1000
/** Workers get their own shutdown deadline and this much more before they are stopped. */
const DRAIN_GRACE_MS = 2000

/** What the main thread hands each worker thread. */
export interface ThreadData {
  readonly counterTables: SharedCounterTables
  /** The port to listen on, when `PORT=0` let the first worker choose it. */
  readonly port?: number
}

/** What a worker thread tells the main thread. */
export type ThreadMessage = { readonly type: 'listening'; readonly address: string; readonly port: number }

/** What the main thread tells a worker thread. */
export const DRAIN = 'drain'

/** Where SO_REUSEPORT exists, which lets N threads listen on one port (net.Server `reusePort`). */
const REUSE_PORT_PLATFORMS: ReadonlySet<NodeJS.Platform> = new Set(['linux', 'freebsd', 'sunos', 'aix'])

export function reusePortSupported(platform: NodeJS.Platform = process.platform): boolean {
  return REUSE_PORT_PLATFORMS.has(platform)
}

export interface ThreadsOptions {
  readonly workers: number
  /** The server's entry module, which serves when it runs in a worker thread. */
  readonly entry: URL
  readonly port: number
  readonly counterTables: SharedCounterTables
  readonly drainTimeoutMs: number
  readonly log: (line: string) => void
  /** Told of every worker as it starts (the metrics gatherer talks to it over its port). */
  readonly onWorkerStarted?: (worker: Worker) => void
}

/**
 * The main thread of `WORKERS=N`: starts N worker threads, each a whole server listening
 * on the same port with SO_REUSEPORT (the kernel spreads new connections over them),
 * starts a new one whenever one ends, and on SIGTERM/SIGINT asks every worker to drain
 * (each closes its server and finishes its requests in flight), then exits: 0 when all
 * drained, 1 when one failed to or the deadline passed.
 * @see https://nodejs.org/api/net.html#serverlistenoptions-callback (reusePort)
 */
export function runThreads(options: ThreadsOptions): void {
  const { workers, log } = options
  const running = new Set<Worker>()
  let port = options.port
  let stopping = false
  let drainFailed = false
  let announced = false
  let listening = 0

  const start = (): void => {
    const data: ThreadData = { counterTables: options.counterTables, port }
    const worker = new Worker(options.entry, { workerData: data })
    // Read now: a worker that has exited answers -1.
    const id = worker.threadId
    const startedAt = Date.now()
    running.add(worker)
    options.onWorkerStarted?.(worker)
    worker.on('message', (message: ThreadMessage) => {
      if (message.type !== 'listening') return
      listening++
      if (port === 0) {
        // PORT=0: the first worker chose a port; the others join it there.
        port = message.port
        for (let i = 1; i < workers; i++) start()
      }
      if (announced) log(`worker ${id} listening`)
      else if (listening >= workers) {
        announced = true
        log(`${workers} workers listening at ${message.address}`)
      }
    })
    // An error the thread did not handle itself (it logs those it does): its exit follows.
    worker.on('error', (err) => log(`worker ${id} failed: ${err.stack ?? err.message}`))
    worker.on('exit', (code) => {
      running.delete(worker)
      if (stopping) {
        if (code !== 0) drainFailed = true
        if (running.size === 0) process.exit(drainFailed ? 1 : 0)
        return
      }
      log(`worker ${id} exited (code ${code}); starting another`)
      setTimeout(start, Date.now() - startedAt < CRASH_LOOP_MS ? RESTART_DELAY_MS : 0)
    })
  }

  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      stopping = true
      log(`${signal}: draining workers`)
      if (running.size === 0) process.exit(0)
      for (const worker of running) worker.postMessage(DRAIN)
      setTimeout(() => {
        log('workers still running at the shutdown deadline: exiting')
        process.exit(1)
      }, options.drainTimeoutMs + DRAIN_GRACE_MS).unref()
    })
  }

  if (port === 0) start()
  else for (let i = 0; i < workers; i++) start()
}
