/**
 * `pnpm bench`: starts the built server on a fresh SQLite database and measures, in one
 * run, the bare route against the token-checked one (the price of authentication per
 * request), logins per second, whether a login's answer time tells an unknown user
 * from a wrong password, and verified requests' latency under a login storm, with the
 * password-hash limit and without it (see bench-storm.ts). Traffic goes to 127.0.0.1
 * only, bounded in time.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { parseArgs } from 'node:util'
import autocannon from 'autocannon'
import { describeStorm, measureStorm } from './bench-storm.js'
import { LIMITS_LIFTED, freePort } from './bench-support.js'
import { MIX_USERS, mixOptions, seedMix, signInAll, spreadLastSeen } from './bench-mix.js'

const root = path.resolve(import.meta.dirname, '..')
/**
 * `pnpm bench --workers 2 --redis --postgres --quick`: WORKERS for the server; `--redis`
 * starts a redis-server of its own on a free port and sets REDIS_URL; `--postgres` creates a
 * fresh database on the local PostgreSQL (127.0.0.1:5432, user postgres, or BENCH_PG_URL's
 * server) and sets DATABASE_URL, dropping it afterwards; `--quick` stops after the req/s and
 * login figures (no timing-oracle or storm runs). With `--postgres`, `GET /api/me` is also
 * measured on a SQLite server in the same run (same WORKERS and counters), and the two
 * compared.
 */
const { values: options } = parseArgs({
  options: {
    workers: { type: 'string', default: '1' },
    redis: { type: 'boolean', default: false },
    postgres: { type: 'boolean', default: false },
    quick: { type: 'boolean', default: false },
  },
})
const WORKERS = options.workers
const DURATION_S = Number(process.env.BENCH_DURATION ?? 10)
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 32)
const PASSWORD = 'bench-password-1'
/** The storm again without the password-hash limit, to show what the limit buys. */
const HASH_LIMIT_LIFTED = { MAX_CONCURRENT_HASHES: '64', MAX_QUEUED_HASHES: '100000' }

async function waitForHealth(base: string, server: ChildProcess): Promise<void> {
  for (let i = 0; i < 200; i++) {
    if (server.exitCode !== null) throw new Error(`server exited with ${server.exitCode}`)
    try {
      if ((await fetch(`${base}/api/health`)).ok) return
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 50))
  }
  throw new Error('server did not become healthy')
}

function run(title: string, options: autocannon.Options): Promise<autocannon.Result> {
  process.stdout.write(`  running: ${title} (${options.duration}s, ${options.connections} connections)\n`)
  return autocannon({ ...options })
}

async function login(base: string, username: string, password: string): Promise<{ status: number; ms: number; token?: string }> {
  const started = performance.now()
  const response = await fetch(`${base}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password }),
  })
  const body = (await response.json()) as { token?: string }
  return { status: response.status, ms: performance.now() - started, token: body.token }
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.floor(sorted.length / 2)] ?? NaN
}

/** CPU time (user + system) the process has used, in µs, from /proc (Linux); undefined elsewhere. */
function cpuMicros(pid: number | undefined): number | undefined {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? []
    // Fields 14 and 15 of stat (utime, stime), counted from the state field (3), in 1/100 s.
    return (Number(fields[11]) + Number(fields[12])) * 10_000
  } catch {
    return undefined
  }
}

/** The process and every descendant, from /proc (WORKERS=N is one process: its threads count in its own CPU time). */
function processTree(pid: number | undefined): number[] {
  if (pid === undefined) return []
  let children: number[] = []
  try {
    children = readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').split(' ').filter(Boolean).map(Number)
  } catch {
    // gone, or not Linux
  }
  return [pid, ...children.flatMap(processTree)]
}

/** CPU time of the server's whole process tree (all its threads), in µs. */
function treeCpuMicros(pids: readonly (number | undefined)[]): number | undefined {
  let total = 0
  for (const pid of pids.flatMap(processTree)) {
    const micros = cpuMicros(pid)
    if (micros === undefined) return undefined
    total += micros
  }
  return total
}

/**
 * Runs a load and reports the server's CPU time per answered request (what the route
 * really costs), and that of `otherPid` (Redis) separately when given.
 */
async function runMeasured(pid: number | undefined, title: string, options: autocannon.Options, others: readonly Dependency[] = []) {
  const before = treeCpuMicros([pid])
  const othersBefore = others.map((other) => treeCpuMicros([other.pid]))
  const result = await run(title, options)
  const after = treeCpuMicros([pid])
  const othersAfter = others.map((other) => treeCpuMicros([other.pid]))
  const perRequest = (a: number | undefined, b: number | undefined) => (a === undefined || b === undefined ? NaN : (b - a) / result.requests.total)
  return {
    result,
    cpuPerRequest: perRequest(before, after),
    otherCpuPerRequest: others.map((other, i) => ({ name: other.name, micros: perRequest(othersBefore[i], othersAfter[i]) })),
  }
}

/** A server the API talks to, whose CPU (its whole process tree) is reported apart. */
interface Dependency {
  readonly name: string
  readonly pid: number | undefined
}

async function startServer(env: NodeJS.ProcessEnv): Promise<{ base: string; pid: number | undefined; stop(): Promise<void> }> {
  const port = await freePort()
  const base = `http://127.0.0.1:${port}`
  const server = spawn(process.execPath, [path.join(root, 'apps/api/dist/server.js')], {
    env: { ...env, PORT: String(port), HOST: '127.0.0.1' },
    stdio: ['ignore', 'pipe', 'inherit'],
  })
  let out = ''
  server.stdout?.setEncoding('utf8').on('data', (chunk: string) => (out += chunk))
  const stop = async () => {
    if (server.exitCode !== null) return
    const exited = new Promise((resolve) => server.once('exit', resolve))
    server.kill('SIGTERM')
    await exited
  }
  try {
    await waitForHealth(base, server)
    // Under WORKERS>1 the first worker answers health before the others listen.
    for (let i = 0; i < 400 && Number(env.WORKERS ?? 1) > 1 && !out.includes('workers listening'); i++) {
      await new Promise((r) => setTimeout(r, 50))
    }
  } catch (error) {
    await stop()
    throw error
  }
  return { base, pid: server.pid, stop }
}

/**
 * The bare Fastify reference server (apps/api/bench/bare-fastify.mjs) on a free port;
 * with `securityHeaders`, the same route sending tokenauth's security header set.
 */
async function startBareFastify(securityHeaders = false): Promise<{ base: string; pid: number | undefined; stop(): Promise<void> }> {
  const port = await freePort()
  const base = `http://127.0.0.1:${port}`
  const child = spawn(process.execPath, [path.join(root, 'apps/api/bench/bare-fastify.mjs')], {
    env: { ...process.env, PORT: String(port), BARE_SECURITY_HEADERS: securityHeaders ? '1' : '' },
    stdio: ['ignore', 'ignore', 'inherit'],
  })
  const stop = async () => {
    if (child.exitCode !== null) return
    const exited = new Promise((resolve) => child.once('exit', resolve))
    child.kill('SIGTERM')
    await exited
  }
  await waitForHealth(base, child)
  return { base, pid: child.pid, stop }
}

/**
 * A fresh database on the local PostgreSQL server, dropped afterwards; `pid` is the
 * postmaster's, whose process tree holds every backend (its CPU is reported apart).
 */
function startPostgresDatabase(): { url: string; pid: number | undefined; stop(): void } {
  const server = new URL(process.env.BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres')
  const name = `tokenauth_bench_${randomBytes(6).toString('hex')}`
  const psql = (sql: string) => spawnSync('psql', [server.href, '-Atc', sql], { encoding: 'utf8' })
  const created = psql(`CREATE DATABASE ${name}`)
  if (created.status !== 0) throw new Error(`could not create the bench database: ${created.stderr}`)
  const dataDirectory = psql('SHOW data_directory').stdout.trim()
  let pid: number | undefined
  try {
    pid = Number(readFileSync(path.join(dataDirectory, 'postmaster.pid'), 'utf8').split('\n')[0])
  } catch {
    // Another machine, or not readable here: PostgreSQL's CPU is not reported.
  }
  const url = new URL(server.href)
  url.pathname = `/${name}`
  return { url: url.href, pid, stop: () => void psql(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`) }
}

/** A redis-server of the bench's own, without persistence, on a free port. */
async function startRedis(): Promise<{ url: string; pid: number | undefined; stop(): void }> {
  const port = await freePort()
  const child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' })
  for (let i = 0; i < 100; i++) {
    if (spawnSync('redis-cli', ['-p', String(port), 'ping'], { encoding: 'utf8' }).stdout.trim() === 'PONG') break
    await new Promise((r) => setTimeout(r, 50))
  }
  return { url: `redis://127.0.0.1:${port}`, pid: child.pid, stop: () => child.kill('SIGKILL') }
}

/**
 * `GET /api/me` on SQLite (a data folder of its own, the same counters), for the same time
 * as on PostgreSQL: the reference the PostgreSQL figures are compared with.
 */
async function measureSqliteMe(env: NodeJS.ProcessEnv): Promise<{ rps: number; cpu: number }> {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'tokenauth-bench-sqlite-'))
  const sqliteEnv = { ...env, DATA_DIR: dataDir, DATABASE_URL: '' }
  try {
    const added = spawnSync(process.execPath, [path.join(root, 'apps/api/dist/cli/users.js'), 'add', 'bench'], { input: `${PASSWORD}\n`, env: sqliteEnv, encoding: 'utf8' })
    if (added.status !== 0) throw new Error(`could not add the bench user on SQLite: ${added.stderr}`)
    const server = await startServer(sqliteEnv)
    try {
      const { token } = await login(server.base, 'bench', PASSWORD)
      if (!token) throw new Error('bench login failed on SQLite')
      const { result, cpuPerRequest } = await runMeasured(server.pid, 'GET /api/me (token) on SQLite, for comparison', {
        url: `${server.base}/api/me`,
        headers: { token },
        duration: DURATION_S,
        connections: CONNECTIONS,
      })
      if (result.non2xx > 0 || result.errors > 0) throw new Error(`SQLite /api/me: ${result.non2xx} non-2xx, ${result.errors} errors`)
      return { rps: result.requests.average, cpu: cpuPerRequest }
    } finally {
      await server.stop()
    }
  } finally {
    rmSync(dataDir, { recursive: true, force: true })
  }
}

async function main(): Promise<void> {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'tokenauth-bench-'))
  const redis = options.redis ? await startRedis() : undefined
  const postgres = options.postgres ? startPostgresDatabase() : undefined
  const dependencies: Dependency[] = [
    ...(redis ? [{ name: 'Redis', pid: redis.pid }] : []),
    ...(postgres ? [{ name: 'PostgreSQL', pid: postgres.pid }] : []),
  ]
  const env = {
    ...process.env,
    DATA_DIR: dataDir,
    NODE_ENV: 'development',
    LOG_LEVEL: 'warn',
    WORKERS,
    ...(redis ? { REDIS_URL: redis.url } : {}),
    ...(postgres ? { DATABASE_URL: postgres.url } : { DATABASE_URL: '' }),
    ...LIMITS_LIFTED,
  }
  const added = spawnSync(process.execPath, [path.join(root, 'apps/api/dist/cli/users.js'), 'add', 'bench'], {
    input: `${PASSWORD}\n`,
    env,
    encoding: 'utf8',
  })
  if (added.status !== 0) throw new Error(`could not add the bench user: ${added.stderr}`)
  const database = { dataDir, databaseUrl: postgres?.url }
  const mixUsernames = await seedMix(database, 'bench')

  const server = await startServer(env)
  const base = server.base
  try {
    const { token } = await login(base, 'bench', PASSWORD)
    if (!token) throw new Error('bench login failed')
    process.stdout.write(`  signing in ${MIX_USERS} users for the mix\n`)
    const mixUsers = await signInAll(base, mixUsernames, PASSWORD)

    // The references, each in a process of its own, measured in the same run: a bare
    // Fastify route, and the same route sending the security headers every tokenauth
    // answer carries (the floor under any of its routes).
    const measureBare = async (securityHeaders: boolean, title: string): Promise<number> => {
      const bare = await startBareFastify(securityHeaders)
      try {
        const measured = await runMeasured(bare.pid, title, { url: `${bare.base}/api/health`, duration: DURATION_S, connections: CONNECTIONS })
        return measured.cpuPerRequest
      } finally {
        await bare.stop()
      }
    }
    const bareCpu = await measureBare(false, 'bare Fastify GET /api/health (reference)')
    const floorCpu = await measureBare(true, 'bare Fastify GET /api/health + the security headers (floor)')

    const setup = `WORKERS=${WORKERS}, database ${postgres ? 'postgres' : 'sqlite'}, counters ${redis ? 'redis' : Number(WORKERS) > 1 ? 'shared memory (worker threads)' : 'memory'}`
    process.stdout.write(`tokenauth bench — Node ${process.version}, LOG_LEVEL=warn, ${setup}; server and load generator on one machine\n`)
    const { result: health, cpuPerRequest: healthCpu } = await runMeasured(server.pid, 'GET /api/health', {
      url: `${base}/api/health`,
      duration: DURATION_S,
      connections: CONNECTIONS,
    })
    const { result: me, cpuPerRequest: meCpu, otherCpuPerRequest: dependencyCpu } = await runMeasured(
      server.pid,
      'GET /api/me (token)',
      { url: `${base}/api/me`, headers: { token }, duration: DURATION_S, connections: CONNECTIONS },
      dependencies,
    )
    const sqlite = postgres ? await measureSqliteMe(env) : undefined
    const sqliteLines = sqlite
      ? [
          `GET /api/me on SQLite     ${sqlite.rps.toFixed(0).padStart(7)} req/s   server CPU ${sqlite.cpu.toFixed(1)} µs/request (same run, same counters)`,
          `PostgreSQL against SQLite ${(me.requests.average / sqlite.rps).toFixed(2).padStart(7)}× the req/s, ${(meCpu / sqlite.cpu).toFixed(2)}× the API CPU per /api/me`,
        ]
      : []
    await spreadLastSeen(database, mixUsernames)
    const { result: mix, cpuPerRequest: mixCpu } = await runMeasured(
      server.pid,
      `the mix (${MIX_USERS} users: 95 % GET /api/me and /api/notes, 4.9 % POST /api/notes, 0.1 % sign-ins)`,
      mixOptions(base, mixUsers, PASSWORD, DURATION_S, CONNECTIONS),
    )
    const mixLine = `the mix, ${MIX_USERS} users     ${mix.requests.average.toFixed(0).padStart(7)} req/s   p99 ${mix.latency.p99} ms   server CPU ${mixCpu.toFixed(1)} µs/request`
    const dependencyLines = dependencyCpu.map(({ name, micros }) => `${`${name} CPU per /api/me`.padEnd(26)}${micros.toFixed(1).padStart(7)} µs (the server's own processes)`)
    const logins = await run('POST /api/auth/login', {
      url: `${base}/api/auth/login`,
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'bench', password: PASSWORD }),
      duration: DURATION_S,
      connections: 8,
    })
    for (const result of [health, me, mix]) {
      if (result.non2xx > 0 || result.errors > 0) throw new Error(`${result.url}: ${result.non2xx} non-2xx, ${result.errors} errors`)
    }

    const ratios =
      `server CPU per request    bare Fastify ${bareCpu.toFixed(1)} µs; /api/health ${(healthCpu / bareCpu).toFixed(2)}× bare; ` +
      `/api/me ${(meCpu / bareCpu).toFixed(2)}× bare, ${(meCpu / healthCpu).toFixed(2)}× /api/health\n` +
      `the floor                 bare Fastify + the security headers ${floorCpu.toFixed(1)} µs, ${(floorCpu / bareCpu).toFixed(2)}× bare; ` +
      `/api/me ${(meCpu / floorCpu).toFixed(2)}× the floor\n`
    if (options.quick) {
      process.stdout.write(
        `\n${ratios}` +
        `GET /api/me (with token)  ${me.requests.average.toFixed(0).padStart(7)} req/s   p99 ${me.latency.p99} ms   server CPU ${meCpu.toFixed(1)} µs/request\n` +
          sqliteLines.map((line) => `${line}\n`).join('') +
          `GET /api/health           ${health.requests.average.toFixed(0).padStart(7)} req/s   server CPU ${healthCpu.toFixed(1)} µs/request\n` +
          `${mixLine}\n` +
          dependencyLines.map((line) => `${line}\n`).join('') +
          `POST /api/auth/login      ${logins.requests.average.toFixed(1).padStart(7)} logins/s (${logins.non2xx} non-2xx)\n`,
      )
      return
    }
    // Sequential logins, alternating, so both kinds see the same machine state.
    const unknown: number[] = []
    const wrong: number[] = []
    for (let i = 0; i < 40; i++) {
      unknown.push((await login(base, `nobody-${i}`, 'wrong-password-1')).ms)
      wrong.push((await login(base, 'bench', 'wrong-password-1')).ms)
    }

    const rps = (r: autocannon.Result) => r.requests.average
    const lines = [
      '',
      ratios.trimEnd(),
      `GET /api/health           ${rps(health).toFixed(0).padStart(7)} req/s   p99 ${health.latency.p99} ms   server CPU ${healthCpu.toFixed(1)} µs/request`,
      `GET /api/me (with token)  ${rps(me).toFixed(0).padStart(7)} req/s   p99 ${me.latency.p99} ms   server CPU ${meCpu.toFixed(1)} µs/request`,
      ...sqliteLines,
      `ratio me/health           ${(rps(me) / rps(health)).toFixed(3).padStart(7)}   (requests per second)`,
      mixLine,
      `auth cost per request     ${(meCpu - healthCpu).toFixed(1).padStart(7)} µs of server CPU (token check, session query, rate limit, response)`,
      ...dependencyLines,
      `POST /api/auth/login      ${rps(logins).toFixed(1).padStart(7)} logins/s (${logins.non2xx} non-2xx)`,
      `login, unknown user       ${median(unknown).toFixed(1).padStart(7)} ms median of 40`,
      `login, wrong password     ${median(wrong).toFixed(1).padStart(7)} ms median of 40`,
      '',
    ]
    process.stdout.write(lines.join('\n'))

    const limited = await measureStorm(base, token, DURATION_S)
    await server.stop()
    const unlimitedServer = await startServer({ ...env, ...HASH_LIMIT_LIFTED })
    let unlimited
    try {
      const again = await login(unlimitedServer.base, 'bench', PASSWORD)
      if (!again.token) throw new Error('bench login failed')
      unlimited = await measureStorm(unlimitedServer.base, again.token, DURATION_S)
    } finally {
      await unlimitedServer.stop()
    }
    const hashes = process.env.MAX_CONCURRENT_HASHES ?? 'default'
    process.stdout.write(
      [
        '',
        ...describeStorm(`password hashes limited (MAX_CONCURRENT_HASHES=${hashes}, MAX_QUEUED_HASHES=${process.env.MAX_QUEUED_HASHES ?? 'default'})`, limited),
        ...describeStorm('hash limit lifted (MAX_CONCURRENT_HASHES=64)', unlimited),
        '',
      ].join('\n'),
    )
  } finally {
    await server.stop()
    redis?.stop()
    postgres?.stop()
    rmSync(dataDir, { recursive: true, force: true })
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`bench failed: ${error instanceof Error ? error.message : String(error)}\n`)
  process.exit(1)
})
