/**
 * `node --conditions=source --import tsx apps/api/bench/profile.ts [/api/me|/api/health]`:
 * runs the built server under `node --cpu-prof` on a fresh database, loads one route with
 * autocannon (same limits lifted as `pnpm bench`), stops the server and prints where the
 * samples went (see summarize-profile.ts). Build first (`pnpm exec node scripts/build-if-stale.mjs`).
 */
import { spawn, spawnSync } from 'node:child_process'
import { mkdtempSync, readdirSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import path from 'node:path'
import autocannon from 'autocannon'
import { printProfileSummary } from './summarize-profile.js'

const root = path.resolve(import.meta.dirname, '../../..')
const route = process.argv[2] ?? '/api/me'
const seconds = Number(process.env.PROFILE_DURATION ?? 8)

const port = await new Promise<number>((resolve) => {
  const server = createServer().listen(0, '127.0.0.1', () => {
    const address = server.address()
    server.close(() => resolve(typeof address === 'object' && address ? address.port : 0))
  })
})
const dataDir = mkdtempSync(path.join(tmpdir(), 'tokenauth-profile-'))
const profileDir = path.join(dataDir, 'profile')
const env = {
  ...process.env,
  DATA_DIR: dataDir,
  NODE_ENV: 'development',
  LOG_LEVEL: 'warn',
  RATE_LIMIT_MAX: '1000000000',
  MAX_REQUESTS_PER_SOCKET: '1000000000',
  PORT: String(port),
  HOST: '127.0.0.1',
}
const added = spawnSync(process.execPath, [path.join(root, 'apps/api/dist/cli/users.js'), 'add', 'bench'], { input: 'bench-password-1\n', env, encoding: 'utf8' })
if (added.status !== 0) throw new Error(added.stderr)
const server = spawn(process.execPath, ['--cpu-prof', '--cpu-prof-dir', profileDir, path.join(root, 'apps/api/dist/server.js')], { env, stdio: ['ignore', 'ignore', 'inherit'] })
const base = `http://127.0.0.1:${port}`
for (let i = 0; ; i++) {
  try {
    if ((await fetch(`${base}/api/health`)).ok) break
  } catch {
    if (i > 200) throw new Error('server did not start')
  }
  await new Promise((r) => setTimeout(r, 50))
}
const login = await fetch(`${base}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'bench', password: 'bench-password-1' }) })
const { token } = (await login.json()) as { token: string }
const result = await autocannon({ url: base + route, headers: { token }, duration: seconds, connections: 32 })
process.stdout.write(`${route}: ${Math.round(result.requests.average)} req/s, ${result.non2xx} non-2xx\n`)
const exited = new Promise((resolve) => server.once('exit', resolve))
server.kill('SIGTERM')
await exited
const file = readdirSync(profileDir).find((name) => name.endsWith('.cpuprofile'))
if (!file) throw new Error('no profile written')
process.stdout.write(`profile: ${path.join(profileDir, file)}\n`)
printProfileSummary(path.join(profileDir, file))
