/**
 * A/B on a shared machine: `node --conditions=source --import tsx apps/api/bench/ab.ts <distA> <distB>`
 * starts the server built in each folder (e.g. `apps/api/dist-before` and `apps/api/dist`)
 * and the bare reference, and measures them in turns, several rounds, each in a new random
 * order, so that load from elsewhere falls on all alike. Prints server CPU per request (µs)
 * per round, medians, and the medians of the ratios taken within each round.
 * A copy of `apps/api/dist` still imports the workspace packages' current `dist`: to
 * compare a change in a package, pass the `apps/api/dist` of a worktree of the old commit.
 * A folder may carry settings of its own after commas, to run one build two ways:
 * `apps/api/dist apps/api/dist,METRICS_TOKEN=<32+ characters>` (metrics off, then on).
 * `AB_MIX=1`: instead of one token on `GET /api/me`, the realistic mix of `pnpm bench`
 * (scripts/bench-mix.ts: 1,000 signed-in users, 95 % reads, 5 % writes and sign-ins).
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process'
import { mkdtempSync, readFileSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import path from 'node:path'
import autocannon from 'autocannon'
import { mixOptions, seedMix, signInAll, spreadLastSeen, type MixUsers } from '../../../scripts/bench-mix.js'
import { LIMITS_LIFTED } from '../../../scripts/bench-support.js'

const root = path.resolve(import.meta.dirname, '../../..')
const dists = process.argv.slice(2)
const seconds = Number(process.env.AB_DURATION ?? 4)
const rounds = Number(process.env.AB_ROUNDS ?? 3)
const mixed = process.env.AB_MIX === '1'

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const address = server.address()
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0))
    })
  })
}

/** CPU time of the process and its descendants (a `WORKERS=N` built with node:cluster has some), in µs. */
function cpuMicros(pid: number | undefined): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? []
  let children: number[] = []
  try {
    children = readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').split(' ').filter(Boolean).map(Number)
  } catch {
    // gone, or not Linux
  }
  return (Number(fields[11]) + Number(fields[12])) * 10_000 + children.reduce((sum, child) => sum + cpuMicros(child), 0)
}

/**
 * `AB_PIN=1`: every server on CPU 1 (`taskset -c 1`) and this process, the load
 * generator, on CPU 0: the two no longer take turns on one core, and a server's CPU time
 * per request varies less between rounds.
 */
const pinned = process.env.AB_PIN === '1'
if (pinned) spawnSync('taskset', ['-p', '-c', '0', String(process.pid)], { stdio: 'ignore' })

async function start(script: string, env: NodeJS.ProcessEnv): Promise<{ base: string; child: ChildProcess }> {
  const port = await freePort()
  const [command, args] = pinned ? ['taskset', ['-c', '1', process.execPath, script]] : [process.execPath, [script]]
  const child = spawn(command, args, { env: { ...env, PORT: String(port), HOST: '127.0.0.1' }, stdio: ['ignore', 'ignore', 'inherit'] })
  const base = `http://127.0.0.1:${port}`
  for (let i = 0; ; i++) {
    try {
      if ((await fetch(`${base}/api/health`)).ok) return { base, child }
    } catch {
      if (i > 200) throw new Error(`${script} did not start`)
    }
    await new Promise((r) => setTimeout(r, 50))
  }
}

/** Under WORKERS>1 the first worker answers health before the others listen: give them time. */
async function settle(): Promise<void> {
  if (Number(process.env.WORKERS ?? 1) > 1) await new Promise((r) => setTimeout(r, 3000))
}

/** Server CPU per request (µs) and requests per second, every answer a 2xx. */
async function measure(pid: number | undefined, url: string, headers: Record<string, string> = {}, options?: autocannon.Options): Promise<{ cpu: number; rate: number }> {
  const before = cpuMicros(pid)
  const result = await autocannon(options ?? { url, headers, duration: seconds, connections: 32 })
  if (result.non2xx > 0 || result.errors > 0) throw new Error(`${url}: ${result.non2xx} answers were not 2xx, ${result.errors} errors`)
  return { cpu: (cpuMicros(pid) - before) / result.requests.total, rate: result.requests.average }
}

const dataDir = mkdtempSync(path.join(tmpdir(), 'tokenauth-ab-'))
const env = { ...process.env, DATA_DIR: dataDir, DATABASE_URL: '', NODE_ENV: 'development', LOG_LEVEL: 'warn', ...LIMITS_LIFTED }
const added = spawnSync(process.execPath, [path.join(root, 'apps/api/dist/cli/users.js'), 'add', 'bench'], { input: 'bench-password-1\n', env, encoding: 'utf8' })
if (added.status !== 0) throw new Error(`users add: status ${added.status}, signal ${added.signal}, ${added.error?.message ?? ''}\n${added.stdout}\n${added.stderr}`)
const database = { dataDir, databaseUrl: undefined }
const mixUsernames = mixed ? await seedMix(database, 'bench') : []
const bare = await start(path.join(root, 'apps/api/bench/bare-fastify.mjs'), process.env)
const servers = []
for (const [i, spec] of dists.entries()) {
  // The same folder twice (an A/A run, to see the noise) gets two labels.
  const dist = dists.indexOf(spec) === dists.lastIndexOf(spec) ? spec : `${spec} #${i + 1}`
  const [folder = '', ...settings] = spec.split(',')
  const own = Object.fromEntries(settings.map((setting) => [setting.slice(0, setting.indexOf('=')), setting.slice(setting.indexOf('=') + 1)]))
  const server = await start(path.resolve(folder, 'server.js'), { ...env, ...own })
  const login = await fetch(`${server.base}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'bench', password: 'bench-password-1' }) })
  const { token } = (await login.json()) as { token: string }
  servers.push({ dist, token, ...server })
}
await settle()
/** Every build shares the database and the key file, so one set of sign-ins serves them all. */
let mixUsers: MixUsers | undefined
if (mixed && servers[0]) {
  mixUsers = await signInAll(servers[0].base, mixUsernames, 'bench-password-1')
  await spreadLastSeen(database, mixUsernames)
}
const rows: Record<string, number[]> = {}
const add = (name: string, value: number) => (rows[name] ??= []).push(value)
/** Every measurement of a round, run in a fresh random order each round: no build always goes first. */
const runs: (() => Promise<void>)[] = [async () => add('bare', (await measure(bare.child.pid, `${bare.base}/api/health`)).cpu)]
for (const server of servers) {
  runs.push(async () => add(`${server.dist} health`, (await measure(server.child.pid, `${server.base}/api/health`)).cpu))
  runs.push(async () => {
    const mix = mixUsers && mixOptions(server.base, mixUsers, 'bench-password-1', seconds, 32)
    const me = await measure(server.child.pid, `${server.base}/api/me`, { token: server.token }, mix)
    add(`${server.dist} me`, me.cpu)
    add(`${server.dist} me req/s`, me.rate)
  })
}
function shuffled<T>(items: readonly T[]): T[] {
  const copy = [...items]
  for (let i = copy.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1))
    ;[copy[i], copy[j]] = [copy[j] as T, copy[i] as T]
  }
  return copy
}
if (mixed) process.stdout.write('"me" below is the mix (scripts/bench-mix.ts), not one token on GET /api/me\n')
for (let round = 0; round < rounds; round++) {
  for (const run of shuffled(runs)) await run()
  process.stdout.write(`round ${round + 1}: ${Object.entries(rows).map(([name, values]) => `${name} ${values.at(-1)?.toFixed(1)}`).join(', ')}\n`)
}
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? NaN
const bareMedian = median(rows.bare ?? [])
for (const [name, values] of Object.entries(rows)) {
  if (name.endsWith('req/s')) process.stdout.write(`${name.padEnd(28)} median ${median(values).toFixed(0)} req/s\n`)
  else process.stdout.write(`${name.padEnd(28)} median ${median(values).toFixed(1)} µs/request (${(median(values) / bareMedian).toFixed(2)}× bare)\n`)
}
/** Ratios taken within each round first (load from elsewhere drifts less within a round), then their median. */
const ratios = (top: string, bottom: string) => (rows[top] ?? []).map((value, i) => value / (rows[bottom]?.[i] ?? NaN))
const ratio = (top: string, bottom: string) => median(ratios(top, bottom))
/** The middle half of the per-round ratios (first to third quartile): how far one round is to be trusted. */
const quartiles = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b)
  return `${(sorted[Math.floor(sorted.length / 4)] ?? NaN).toFixed(3)}–${(sorted[Math.floor((sorted.length * 3) / 4)] ?? NaN).toFixed(3)}`
}
for (const { dist } of servers) {
  process.stdout.write(
    `${dist}: per-round medians: me/bare ${ratio(`${dist} me`, 'bare').toFixed(2)}×, health/bare ${ratio(`${dist} health`, 'bare').toFixed(2)}×, me/health ${ratio(`${dist} me`, `${dist} health`).toFixed(2)}×\n`,
  )
}
// Each build against the first, within each round: the direct A/B figure.
for (const { dist } of servers.slice(1)) {
  const first = servers[0]?.dist ?? ''
  process.stdout.write(
    `${dist} vs ${first}: per-round median of me/me ${ratio(`${dist} me`, `${first} me`).toFixed(3)}× (quartiles ${quartiles(ratios(`${dist} me`, `${first} me`))}), ` +
      `health/health ${ratio(`${dist} health`, `${first} health`).toFixed(3)}×\n`,
  )
}
for (const { child } of [bare, ...servers]) child.kill('SIGTERM')
