/**
 * What the auth hook costs per request, measured with `app.inject` (no sockets).
 * From the repository root:
 *
 *   node --conditions=source --import tsx packages/fastify-token-auth/bench/hook.bench.ts [requests]
 *
 * Three routes answer the same tiny JSON: one in an app without the plugin (baseline),
 * a `public` one and a `required` one whose `verifyToken` is a synchronous Map lookup.
 * Routes take turns in short rounds so that JIT warm-up, GC and a busy machine hit all of
 * them alike; the fastest round of each is reported (the least disturbed), with the median.
 */
import Fastify, { type FastifyInstance, type InjectOptions } from 'fastify'
import { tokenAuth, type TokenAuthPrincipal, type VerifyTokenResult } from '../src/index.js'

const REQUESTS = Number(process.argv[2] ?? 20_000)
const ROUNDS = 40
const PER_ROUND = Math.ceil(REQUESTS / ROUNDS)
const TOKEN = 'dGhpcyBpcyBhIGJlbmNobWFyayB0b2tlbg.eyJzaWQiOiJiZW5jaCJ9.c2lnbmF0dXJl'

const sessions = new Map<string, VerifyTokenResult>([
  [TOKEN, { ok: true, principal: { roles: ['user'] } as unknown as TokenAuthPrincipal }],
])
const refused: VerifyTokenResult = { ok: false, code: 'invalid_token' }

async function buildApp(withPlugin: boolean): Promise<FastifyInstance> {
  const app = Fastify({ logger: false })
  if (withPlugin) {
    await app.register(tokenAuth, { verifyToken: (token) => sessions.get(token) ?? refused })
  }
  const handler = async () => ({ ok: true })
  if (withPlugin) {
    app.get('/public', { config: { auth: 'public' } }, handler)
    app.get('/required', { config: { auth: 'required' } }, handler)
  } else {
    app.get('/baseline', handler)
  }
  await app.ready()
  return app
}

interface Case {
  readonly name: string
  readonly app: FastifyInstance
  readonly request: InjectOptions
  readonly samples: number[]
}

async function runRound(c: Case, count: number): Promise<number> {
  const start = process.hrtime.bigint()
  for (let i = 0; i < count; i++) {
    const response = await c.app.inject(c.request)
    if (response.statusCode !== 200) throw new Error(`${c.name}: ${response.statusCode} ${response.body}`)
  }
  return Number(process.hrtime.bigint() - start) / 1000 / count
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  const middle = Math.floor(sorted.length / 2)
  return sorted.length % 2 === 1 ? (sorted[middle] as number) : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2
}

const plain = await buildApp(false)
const guarded = await buildApp(true)
const cases: Case[] = [
  { name: 'no plugin', app: plain, request: { url: '/baseline' }, samples: [] },
  { name: 'public', app: guarded, request: { url: '/public' }, samples: [] },
  { name: 'required (token header)', app: guarded, request: { url: '/required', headers: { token: TOKEN } }, samples: [] },
  {
    name: 'required (Authorization)',
    app: guarded,
    request: { url: '/required', headers: { authorization: `Bearer ${TOKEN}` } },
    samples: [],
  },
]

for (const c of cases) await runRound(c, 2_000) // warm-up
for (let round = 0; round < ROUNDS; round++) {
  for (const c of cases) c.samples.push(await runRound(c, PER_ROUND))
}

const rows = cases.map((c) => ({ name: c.name, best: Math.min(...c.samples), median: median(c.samples) }))
const [baseline, publicRoute, ...required] = rows
const format = (us: number) => `${us.toFixed(2).padStart(6)} µs`
console.log(`node ${process.version}, ${PER_ROUND * ROUNDS} requests per route in ${ROUNDS} rounds\n`)
console.log(`${''.padEnd(26)} ${'best round'.padStart(10)} ${'median'.padStart(10)}`)
for (const row of rows) console.log(`${row.name.padEnd(26)} ${format(row.best)} ${format(row.median)}`)
if (baseline && publicRoute) {
  const diff = (a: { best: number; median: number }, b: { best: number; median: number }) =>
    `${format(a.best - b.best)} ${format(a.median - b.median)}`
  console.log(`\n${'hook, public route'.padEnd(26)} ${diff(publicRoute, baseline)}  (public − no plugin)`)
  for (const row of required) {
    console.log(`${`token check, ${row.name.slice(10, -1)}`.padEnd(26)} ${diff(row, publicRoute)}  (required − public)`)
  }
}
await Promise.all([plain.close(), guarded.close()])
