/**
 * The login-storm phase of `pnpm bench`: verified requests (`GET /api/me` with a token)
 * at a steady rate, first alone, then while a storm of logins (a new unknown username
 * each time, as from a botnet that per-account and per-IP throttles cannot stop) hits the
 * same server. Reports the verified requests' latency both ways and what the storm got.
 */
import autocannon from 'autocannon'

/** Steady, well under capacity: we measure the wait a verified request sees, not throughput. */
const VERIFIED_RATE = Number(process.env.BENCH_VERIFIED_RATE ?? 200)
const STORM_CONNECTIONS = Number(process.env.BENCH_STORM_CONNECTIONS ?? 64)
/**
 * Logins offered per second: several times what the cores can hash, the same in every
 * run. (Unbounded, the load generator on this same machine would take the CPU itself.)
 */
const STORM_RATE = Number(process.env.BENCH_STORM_RATE ?? 400)

export interface StormFigures {
  readonly calm: autocannon.Result
  readonly stormy: autocannon.Result
  readonly storm: autocannon.Result
}

function run(title: string, options: autocannon.Options): Promise<autocannon.Result> {
  process.stdout.write(`  running: ${title} (${options.duration}s, ${options.connections} connections)\n`)
  return autocannon({ ...options })
}

/** Runs the calm and the stormy measurement against `base` with a valid `token`. */
export async function measureStorm(base: string, token: string, durationSeconds: number): Promise<StormFigures> {
  const verified: autocannon.Options = {
    url: `${base}/api/me`,
    headers: { token },
    duration: durationSeconds,
    connections: 8,
    overallRate: VERIFIED_RATE,
  }
  let n = 0
  const stormOptions: autocannon.Options = {
    url: `${base}/api/auth/login`,
    duration: durationSeconds,
    connections: STORM_CONNECTIONS,
    overallRate: STORM_RATE,
    requests: [
      {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        setupRequest: (request) => ({ ...request, body: JSON.stringify({ username: `storm-${n++}`, password: 'storm-password-1' }) }),
      },
    ],
  }
  const calm = await run(`GET /api/me at ${VERIFIED_RATE} req/s, no storm`, verified)
  const [stormy, storm] = await Promise.all([
    run(`GET /api/me at ${VERIFIED_RATE} req/s during the storm`, verified),
    run(`login storm at ${STORM_RATE} logins/s: unknown usernames, wrong password`, stormOptions),
  ])
  return { calm, stormy, storm }
}

/** The report lines for one storm measurement. */
export function describeStorm(label: string, { calm, stormy, storm }: StormFigures): string[] {
  const count = (result: autocannon.Result, status: number) => result.statusCodeStats?.[`${status}`]?.count ?? 0
  const latency = (result: autocannon.Result) => `p50 ${result.latency.p50} ms  p99 ${result.latency.p99} ms  max ${result.latency.max} ms`
  const failed = (result: autocannon.Result) => result.non2xx + result.errors + result.timeouts
  return [
    `login storm, ${label}:`,
    `  GET /api/me alone          ${latency(calm)}   (${calm.requests.total} requests, ${failed(calm)} failed)`,
    `  GET /api/me during storm   ${latency(stormy)}   (${stormy.requests.total} requests, ${failed(stormy)} failed)`,
    `  storm                      ${storm.requests.total} logins answered: ${count(storm, 401)} × 401 (checked), ${count(storm, 503)} × 503 (hash queue full), ${count(storm, 429)} × 429, ${storm.errors + storm.timeouts} errors; login p99 ${storm.latency.p99} ms`,
  ]
}
