import { spawn, type ChildProcess } from 'node:child_process'
import { request as httpRequest } from 'node:http'
import path from 'node:path'
import { freePort } from './free-port.js'

const root = path.resolve(import.meta.dirname, '../../../..')
const serverEntry = path.join(root, 'apps/api/src/server.ts')

/** The real server from source in its own process, on a free port. */
export interface ServerProcess {
  readonly base: string
  readonly child: ChildProcess
  /** Everything it wrote to stdout so far. */
  stdout(): string
  /** Sends `signal` and waits for the process to exit; answers its exit code. */
  stop(signal?: NodeJS.Signals): Promise<number | null>
}

/**
 * Starts `server.ts` with `env` over a quiet default (no load shedding for a lagging event
 * loop: a loaded test machine lags, and tests that want shedding say so), and waits until `/api/health` answers.
 * `nodeArgs` go before the entry (a test's own `--import` probe).
 */
export async function startServerProcess(env: Record<string, string>, nodeArgs: readonly string[] = []): Promise<ServerProcess> {
  const port = await freePort()
  const child = spawn(process.execPath, ['--conditions=source', '--import', 'tsx', ...nodeArgs, serverEntry], {
    cwd: root,
    env: { ...process.env, NODE_ENV: 'development', HOST: '127.0.0.1', PORT: String(port), LOG_LEVEL: 'error', OVERLOAD_EVENT_LOOP_DELAY_MS: '0', ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  })
  let out = ''
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
    out += chunk
  })
  const base = `http://127.0.0.1:${port}`
  const server: ServerProcess = {
    base,
    child,
    stdout: () => out,
    async stop(signal = 'SIGTERM') {
      if (child.exitCode !== null || child.signalCode !== null) return child.exitCode
      const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)))
      child.kill(signal)
      return exited
    },
  }
  // Generous: a start on a loaded machine (WORKERS=2 compiles the source twice) is slow, and is not what is tested.
  const deadline = Date.now() + 60_000
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`server exited with ${child.exitCode}`)
    if ((await send(base, 'GET', '/api/health').catch(() => undefined))?.status === 200) return server
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
  await server.stop('SIGKILL')
  throw new Error('server did not become healthy')
}

export interface Answer {
  readonly status: number
  readonly headers: Readonly<Record<string, string | string[] | undefined>>
  readonly body: unknown
}

/**
 * One request on a connection of its own (no keep-alive), so that under `WORKERS>1` the
 * kernel spreads successive requests over the worker threads (SO_REUSEPORT picks a
 * listener per connection).
 */
export function send(
  base: string,
  method: string,
  url: string,
  options: { body?: object; token?: string; headers?: Record<string, string> } = {},
): Promise<Answer> {
  const payload = options.body === undefined ? undefined : JSON.stringify(options.body)
  return new Promise((resolve, reject) => {
    const request = httpRequest(
      `${base}${url}`,
      {
        method,
        agent: false,
        timeout: 10_000,
        headers: {
          ...(payload === undefined ? {} : { 'content-type': 'application/json' }),
          ...(options.token === undefined ? {} : { token: options.token }),
          ...options.headers,
        },
      },
      (response) => {
        let text = ''
        response.setEncoding('utf8').on('data', (chunk: string) => (text += chunk))
        response.on('end', () => {
          let body: unknown = text
          try {
            body = JSON.parse(text)
          } catch {
            // not JSON: keep the text
          }
          resolve({ status: response.statusCode ?? 0, headers: response.headers, body })
        })
      },
    )
    request.on('timeout', () => request.destroy(new Error(`${method} ${url}: no answer within 10 s`)))
    request.on('error', reject)
    request.end(payload)
  })
}
