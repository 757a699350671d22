import cluster, { type Worker } from 'node:cluster'

/** A worker that dies this soon after it started is failing to start: wait before the next. */
const CRASH_LOOP_MS = 2000
const RESTART_DELAY_MS = 1000
/** Workers get their own shutdown deadline and this much more before they are killed. */
const DRAIN_GRACE_MS = 2000

/**
 * The primary of `WORKERS=N`: forks N API workers that share one listening port
 * (node:cluster hands connections out round-robin), starts a new worker whenever one
 * dies, and on SIGTERM/SIGINT asks every worker to drain (each closes its server and
 * finishes its requests in flight), then exits.
 * @see https://nodejs.org/api/cluster.html
 */
export function runPrimary(workers: number, drainTimeoutMs: number, log: (line: string) => void): void {
  let stopping = false
  let drainFailed = false
  const startedAt = new Map<number, number>()
  const fork = (): Worker => {
    const worker = cluster.fork()
    startedAt.set(worker.id, Date.now())
    return worker
  }

  let announced = false
  let listening = 0
  cluster.on('listening', (worker, address) => {
    listening++
    if (announced) log(`worker ${worker.process.pid} listening`)
    else if (listening >= workers) {
      announced = true
      log(`${workers} workers listening at http://${address.address ?? '127.0.0.1'}:${address.port}`)
    }
  })
  cluster.on('exit', (worker, code, signal) => {
    const lived = Date.now() - (startedAt.get(worker.id) ?? 0)
    startedAt.delete(worker.id)
    if (stopping) {
      // A worker that missed its deadline exits with 1; so does the primary then.
      // (Killed by the SIGTERM itself: a worker still starting, with nothing to drain.)
      if (code !== 0 && signal !== 'SIGTERM') drainFailed = true
      if (Object.keys(cluster.workers ?? {}).length === 0) process.exit(drainFailed ? 1 : 0)
      return
    }
    log(`worker ${worker.process.pid} exited (${signal ?? `code ${code}`}); starting another`)
    setTimeout(fork, lived < CRASH_LOOP_MS ? RESTART_DELAY_MS : 0)
  })

  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      stopping = true
      log(`${signal}: draining workers`)
      const running = Object.values(cluster.workers ?? {})
      if (running.length === 0) process.exit(0)
      for (const worker of running) worker?.process.kill('SIGTERM')
      setTimeout(() => {
        for (const worker of Object.values(cluster.workers ?? {})) worker?.process.kill('SIGKILL')
        process.exit(1)
      }, drainTimeoutMs + DRAIN_GRACE_MS).unref()
    })
  }

  for (let i = 0; i < workers; i++) fork()
}
