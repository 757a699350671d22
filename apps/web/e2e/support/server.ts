import { spawn, type ChildProcess } from 'node:child_process'
import { existsSync } from 'node:fs'
import { mkdtemp, rm } from 'node:fs/promises'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'

/** The repository root (this file is apps/web/e2e/support/server.ts). */
export const REPO_ROOT = fileURLToPath(new URL('../../../../', import.meta.url))
const SERVER_JS = join(REPO_ROOT, 'apps/api/dist/server.js')
const CLI_JS = join(REPO_ROOT, 'apps/api/dist/cli/users.js')
const KEYS_JS = join(REPO_ROOT, 'apps/api/dist/cli/keys.js')
const WEB_INDEX = join(REPO_ROOT, 'apps/web/dist/index.html')
const SETUP_LINK = /Create the first admin account: (\S+\/setup#token=\S+)/

/** A real API server process serving the built SPA, on its own port and data folder. */
export interface RunningServer {
  readonly baseURL: string
  readonly dataDir: string
  /** The one-time setup link the server printed on its first start. */
  readonly setupLink: string
  /** Everything the server wrote to stdout and stderr so far (for failure messages). */
  output(): string
  stop(): Promise<void>
}

/** A port nobody listens on: listen on 0, read the port, close. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer()
    probe.unref()
    probe.once('error', reject)
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address()
      probe.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))))
    })
  })
}

async function waitFor<T>(
  what: string,
  probe: () => Promise<T | undefined>,
  timeoutMs: number,
  output: () => string,
  exited: () => boolean = () => false,
): Promise<T> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const value = await probe().catch(() => undefined)
    if (value !== undefined) return value
    // A server that refused its configuration is not going to answer: say why at once.
    if (exited()) throw new Error(`The server exited while waiting for ${what}. Server output:\n${output()}`)
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}. Server output:\n${output()}`)
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
}

/** What a test may change about the server it starts. */
export interface ServerOptions {
  /** Extra environment, e.g. `{ ACCESS_TOKEN_TTL: '4s', SESSION_ABSOLUTE_TIMEOUT: '90s' }`. */
  env?: Record<string, string>
}

/** A server process and what it printed. */
interface ServerChild {
  readonly child: ChildProcess
  readonly exited: Promise<number | null>
  output(): string
  /** SIGTERM, then SIGKILL after 5 s. */
  kill(): Promise<void>
}

function spawnServer(env: Record<string, string>): ServerChild {
  let log = ''
  const child: ChildProcess = spawn(process.execPath, [SERVER_JS], { cwd: REPO_ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] })
  child.stdout?.on('data', (chunk: Buffer) => (log += chunk.toString()))
  child.stderr?.on('data', (chunk: Buffer) => (log += chunk.toString()))
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve))
  const kill = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return
    child.kill('SIGTERM')
    const timer = setTimeout(() => child.kill('SIGKILL'), 5000)
    await exited
    clearTimeout(timer)
  }
  return { child, exited, output: () => log, kill }
}

function requireBuild(): void {
  for (const file of [SERVER_JS, WEB_INDEX]) {
    if (!existsSync(file)) throw new Error(`${file} is missing: run \`pnpm build\` before the e2e tests.`)
  }
}

/** No load shedding unless a test asks: on a loaded machine the event loop of a healthy
 * server can lag past the threshold for a moment, and a 503 there is not what is tested. */
const NO_LOAD_SHEDDING = { OVERLOAD_EVENT_LOOP_DELAY_MS: '0', OVERLOAD_HEAP_USED_MB: '0' }

/**
 * Starts the server exactly as `pnpm start` does after the build — `node
 * apps/api/dist/server.js` — with a fresh DATA_DIR and a free port (plus any `env` the
 * test asks for), waits for `GET /api/health`, and reads the setup link from its stdout.
 */
export async function startServer(options: ServerOptions = {}): Promise<RunningServer> {
  requireBuild()
  const dataDir = await mkdtemp(join(tmpdir(), 'tokenauth-e2e-'))
  const port = await freePort()
  const baseURL = `http://127.0.0.1:${port}`
  const server = spawnServer({ ...NO_LOAD_SHEDDING, ...options.env, DATA_DIR: dataDir, HOST: '127.0.0.1', PORT: String(port), NODE_ENV: 'test' })
  const { output } = server
  const stop = async () => {
    await server.kill()
    await rm(dataDir, { recursive: true, force: true })
  }

  try {
    await waitFor(
      'GET /api/health',
      async () => {
        const response = await fetch(`${baseURL}/api/health`)
        return response.ok ? true : undefined
      },
      20_000,
      output,
      () => server.child.exitCode !== null,
    )
    const setupLink = await waitFor('the setup link on stdout', async () => SETUP_LINK.exec(output())?.[1], 5_000, output)
    return { baseURL, dataDir, setupLink, output, stop }
  } catch (error) {
    await stop()
    throw error
  }
}

/** One instance of several, run as in production; its DATA_DIR is the caller's (shared, kept). */
export interface ProductionInstance {
  readonly baseURL: string
  output(): string
  stop(): Promise<void>
}

/**
 * Starts `node apps/api/dist/server.js` with `NODE_ENV=production` on a free port, the
 * given DATA_DIR and `env` (which must hold what production refuses to start without:
 * `productionSecrets()`), and waits until `GET /api/health/ready` answers 200.
 */
export async function startProductionInstance(options: { dataDir: string; env: Record<string, string> }): Promise<ProductionInstance> {
  requireBuild()
  const port = await freePort()
  const baseURL = `http://127.0.0.1:${port}`
  const server = spawnServer({ ...NO_LOAD_SHEDDING, ...options.env, DATA_DIR: options.dataDir, HOST: '127.0.0.1', PORT: String(port), NODE_ENV: 'production' })
  try {
    await waitFor(
      'GET /api/health/ready',
      async () => ((await fetch(`${baseURL}/api/health/ready`)).ok ? true : undefined),
      20_000,
      server.output,
      () => server.child.exitCode !== null,
    )
  } catch (error) {
    await server.kill()
    throw error
  }
  return { baseURL, output: server.output, stop: server.kill }
}

/** Fresh `TOKEN_KEYS`, `SESSION_SECRET` and `DATA_KEYS` from `pnpm keys`, as an operator makes them. */
export async function productionSecrets(): Promise<Record<'TOKEN_KEYS' | 'SESSION_SECRET' | 'DATA_KEYS', string>> {
  const child = spawn(process.execPath, [KEYS_JS], { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'inherit'] })
  let out = ''
  child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()))
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve))
  const value = (name: string) => {
    const found = new RegExp(`^${name}=(\\S+)$`, 'm').exec(out)?.[1]
    if (code !== 0 || found === undefined) throw new Error(`pnpm keys (exit ${code}) printed no ${name}: ${out}`)
    return found
  }
  return { TOKEN_KEYS: value('TOKEN_KEYS'), SESSION_SECRET: value('SESSION_SECRET'), DATA_KEYS: value('DATA_KEYS') }
}

/**
 * Adds a user with the API's CLI, as an operator would: the password on standard input,
 * the server's DATA_DIR, and `env` for settings beyond the test defaults (a production
 * server's, say).
 */
export async function addUserWithCli(
  server: Pick<RunningServer, 'dataDir'>,
  username: string,
  password: string,
  roles: string[] = [],
  env: Record<string, string> = {},
): Promise<void> {
  const args = [CLI_JS, 'add', username, ...roles.flatMap((role) => ['--role', role])]
  const child = spawn(process.execPath, args, {
    cwd: REPO_ROOT,
    env: { ...process.env, NODE_ENV: 'test', ...env, DATA_DIR: server.dataDir },
    stdio: ['pipe', 'pipe', 'pipe'],
  })
  let out = ''
  child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()))
  child.stderr.on('data', (chunk: Buffer) => (out += chunk.toString()))
  child.stdin.end(`${password}\n`)
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve))
  if (code !== 0) throw new Error(`users add ${username} exited with ${code}: ${out}`)
}
