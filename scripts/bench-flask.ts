/**
 * `pnpm bench:flask`: the stack tokenauth grew from (Flask-RESTful + flask-httpauth +
 * itsdangerous under gunicorn, `apps/api/bench/flask/app.py`) against tokenauth's
 * `GET /api/me`, both with two processes, under the same wrk load, one after the other in
 * one run. Needs the Debian packages wrk, gunicorn, python3-flask, python3-flask-restful
 * and python3-flask-httpauth (it says so when one is missing).
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { LIMITS_LIFTED, freePort } from './bench-support.js'

const root = path.resolve(import.meta.dirname, '..')
const DURATION_S = Number(process.env.BENCH_DURATION ?? 10)
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 32)
const PROCESSES = 2
const PASSWORD = 'bench-password-1'
/** Debian's gunicorn runs on Debian's python3, where the Flask packages are installed. */
const PYTHON = '/usr/bin/python3'

function requireTools(): void {
  const missing: string[] = []
  if (spawnSync('wrk', ['--version']).error) missing.push('wrk')
  if (spawnSync('gunicorn', ['--version']).error) missing.push('gunicorn')
  if (spawnSync(PYTHON, ['-c', 'import flask, flask_restful, flask_httpauth, itsdangerous']).status !== 0) {
    missing.push('python3-flask', 'python3-flask-restful', 'python3-flask-httpauth')
  }
  if (missing.length > 0) throw new Error(`missing: ${missing.join(' ')} — install with: apt-get install -y ${missing.join(' ')}`)
}

async function waitFor(ready: () => Promise<boolean>, child: ChildProcess, what: string): Promise<void> {
  for (let i = 0; i < 400; i++) {
    if (child.exitCode !== null) throw new Error(`${what} exited with ${child.exitCode}`)
    if (await ready().catch(() => false)) return
    await new Promise((r) => setTimeout(r, 50))
  }
  throw new Error(`${what} did not start`)
}

function stopper(child: ChildProcess): () => Promise<void> {
  return async () => {
    if (child.exitCode !== null) return
    const exited = new Promise((resolve) => child.once('exit', resolve))
    child.kill('SIGTERM')
    await exited
  }
}

interface Started {
  readonly url: string
  readonly token: string
  stop(): Promise<void>
}

async function startFlask(workDir: string): Promise<Started> {
  const port = await freePort()
  const tokenFile = path.join(workDir, 'flask-token')
  const child = spawn('gunicorn', ['--workers', String(PROCESSES), '--log-level', 'warning', '--preload', '--bind', `127.0.0.1:${port}`, '--chdir', path.join(root, 'apps/api/bench/flask'), 'app:app'], {
    env: { ...process.env, BENCH_TOKEN_FILE: tokenFile },
    stdio: ['ignore', 'ignore', 'inherit'],
  })
  const url = `http://127.0.0.1:${port}/api/me`
  const stop = stopper(child)
  try {
    await waitFor(async () => (await fetch(url)).status === 401, child, 'gunicorn')
  } catch (error) {
    await stop()
    throw error
  }
  return { url, token: readFileSync(tokenFile, 'utf8').trim(), stop }
}

async function startTokenauth(dataDir: string): Promise<Started> {
  const port = await freePort()
  const env = { ...process.env, DATA_DIR: dataDir, NODE_ENV: 'development', LOG_LEVEL: 'warn', WORKERS: String(PROCESSES), ...LIMITS_LIFTED }
  const added = spawnSync(process.execPath, [path.join(root, 'apps/api/dist/cli/users.js'), 'add', 'bench'], { input: `${PASSWORD}\n`, env, encoding: 'utf8' })
  if (added.status !== 0) throw new Error(`could not add the bench user: ${added.stderr}`)
  const child = spawn(process.execPath, [path.join(root, 'apps/api/dist/server.js')], {
    env: { ...env, PORT: String(port), HOST: '127.0.0.1' },
    stdio: ['ignore', 'pipe', 'inherit'],
  })
  let out = ''
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => (out += chunk))
  const base = `http://127.0.0.1:${port}`
  const stop = stopper(child)
  try {
    // Health answers as soon as the first worker listens; wait for all of them.
    await waitFor(async () => (await fetch(`${base}/api/health`)).ok && out.includes('workers listening'), child, 'tokenauth')
    const response = await fetch(`${base}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'bench', password: PASSWORD }),
    })
    const { token } = (await response.json()) as { token?: string }
    if (!token) throw new Error(`bench login failed: ${response.status}`)
    return { url: `${base}/api/me`, token, stop }
  } catch (error) {
    await stop()
    throw error
  }
}

/** Runs wrk against `url` with the `token` header; fails on any non-2xx answer or socket error. */
function wrk(title: string, target: Started): number {
  process.stdout.write(`  running: ${title} (wrk, ${DURATION_S}s, ${CONNECTIONS} connections, 2 threads)\n`)
  const run = spawnSync('wrk', ['-t2', `-c${CONNECTIONS}`, `-d${DURATION_S}s`, '-H', `token: ${target.token}`, target.url], { encoding: 'utf8' })
  if (run.status !== 0) throw new Error(`wrk failed: ${run.stderr}`)
  const rate = /Requests\/sec:\s+([\d.]+)/.exec(run.stdout)?.[1]
  const non2xx = /Non-2xx or 3xx responses: (\d+)/.exec(run.stdout)?.[1]
  const socketErrors = /Socket errors: (.*)/.exec(run.stdout)?.[1]
  if (rate === undefined) throw new Error(`no rate in wrk's output:\n${run.stdout}`)
  if (non2xx !== undefined) throw new Error(`${title}: ${non2xx} answers were not 2xx`)
  // gunicorn's sync workers close every connection (no keep-alive), which wrk counts as
  // read errors; only connect failures and timeouts mean lost requests.
  if (socketErrors && /connect [1-9]|timeout [1-9]/.test(socketErrors)) throw new Error(`${title}: socket errors ${socketErrors}`)
  return Number(rate)
}

async function main(): Promise<void> {
  requireTools()
  const workDir = mkdtempSync(path.join(tmpdir(), 'tokenauth-bench-flask-'))
  try {
    const flask = await startFlask(workDir)
    let flaskRate: number
    try {
      flaskRate = wrk(`Flask + flask-httpauth, gunicorn ${PROCESSES} workers, GET /api/me`, flask)
    } finally {
      await flask.stop()
    }
    const tokenauth = await startTokenauth(path.join(workDir, 'data'))
    let tokenauthRate: number
    try {
      tokenauthRate = wrk(`tokenauth WORKERS=${PROCESSES}, GET /api/me`, tokenauth)
    } finally {
      await tokenauth.stop()
    }
    const rows = [
      `| Flask + flask-httpauth (gunicorn, ${PROCESSES} sync workers) | ${Math.round(flaskRate).toLocaleString('en')} req/s |`,
      `| tokenauth, WORKERS=${PROCESSES} (SQLite) | ${Math.round(tokenauthRate).toLocaleString('en')} req/s |`,
      `| tokenauth / Flask | ${(tokenauthRate / flaskRate).toFixed(2)}× |`,
    ]
    process.stdout.write(`\nGET /api/me with a valid token, wrk -t2 -c${CONNECTIONS} -d${DURATION_S}s, Node ${process.version}\n\n| | verified req/s |\n|---|---:|\n${rows.join('\n')}\n`)
  } finally {
    rmSync(workDir, { recursive: true, force: true })
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`bench:flask failed: ${error instanceof Error ? error.message : String(error)}\n`)
  process.exit(1)
})
