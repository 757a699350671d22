import { execFile, spawn, type ChildProcess } from 'node:child_process'
import { existsSync, readFileSync } from 'node:fs'
import { mkdir, writeFile } from 'node:fs/promises'
import { request as httpsRequest } from 'node:https'
import type { IncomingHttpHeaders } from 'node:http'
import { connect } from 'node:net'
import { userInfo } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { REPO_ROOT, freePort } from './server'

/** Debian's nginx, as `.ci/run` installs it. */
export const NGINX = '/usr/sbin/nginx'
/** The template an operator copies. */
export const NGINX_TEMPLATE = join(REPO_ROOT, 'deploy/nginx/tokenauth.conf')

const run = promisify(execFile)

/** Fails with what to install when a program the proxy test drives is missing (never skips). */
export async function requirePrograms(): Promise<void> {
  const missing: string[] = []
  if (!existsSync(NGINX)) missing.push(`${NGINX} (Debian package nginx)`)
  for (const [program, pkg] of [
    ['openssl', 'openssl'],
    ['redis-server', 'redis-server'],
  ] as const) {
    await run('sh', ['-c', `command -v ${program}`]).catch(() => missing.push(`${program} (Debian package ${pkg})`))
  }
  if (missing.length > 0) {
    throw new Error(`The TLS proxy test needs ${missing.join(', ')}: \`bash .ci/run\` installs them (apt-get install nginx openssl redis-server).`)
  }
}

/** A throwaway self-signed certificate for 127.0.0.1 (P-256, one day), made with openssl. */
export async function makeCertificate(dir: string): Promise<{ certificate: string; key: string; pem: string }> {
  const certificate = join(dir, 'cert.pem')
  const key = join(dir, 'key.pem')
  await run('openssl', [
    'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '1',
    '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1',
    '-keyout', key, '-out', certificate,
  ])
  return { certificate, key, pem: readFileSync(certificate, 'utf8') }
}

export interface RunningRedis {
  readonly url: string
  stop(): Promise<void>
}

/** A test's own `redis-server` (no persistence) on a free loopback port. */
export async function startRedis(): Promise<RunningRedis> {
  const port = await freePort()
  const child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' })
  const stop = () => stopChild(child, 'SIGKILL')
  const deadline = Date.now() + 5000
  while (!(await redisAnswers(port))) {
    if (Date.now() > deadline || child.exitCode !== null) {
      await stop()
      throw new Error(`redis-server did not answer PING on port ${port}`)
    }
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
  return { url: `redis://127.0.0.1:${port}`, stop }
}

function redisAnswers(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1', () => socket.write('PING\r\n'))
    socket.once('data', (data) => {
      socket.destroy()
      resolve(data.toString().startsWith('+PONG'))
    })
    socket.once('error', () => resolve(false))
  })
}

/** Sends `signal`, and SIGKILL if the process is still there 5 s later. */
async function stopChild(child: ChildProcess, signal: NodeJS.Signals): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return
  const exited = new Promise((resolve) => child.once('exit', resolve))
  child.kill(signal)
  const timer = setTimeout(() => child.kill('SIGKILL'), 5000)
  await exited
  clearTimeout(timer)
}

/** What the test changes in the template: only the lines marked CHANGE, and one addition. */
export interface ProxySettings {
  readonly upstreams: readonly [string, string]
  readonly httpsPort: number
  readonly httpPort: number
  readonly certificate: string
  readonly key: string
  readonly accessLog: string
  /**
   * nginx's address towards the instances. On one machine the browser and nginx would
   * both be 127.0.0.1, and a proxy that forgot X-Forwarded-For would go unnoticed: nginx
   * connects from this other loopback address instead, the one TRUST_PROXY names.
   */
  readonly bindAddress: string
}

/** The template with the test's ports and paths; throws when a line it replaces is gone. */
export function proxyConfig(template: string, settings: ProxySettings): string {
  const [first, second] = settings.upstreams
  const replacements: ReadonlyArray<readonly [string, string]> = [
    ['server 127.0.0.1:3001 max_fails', `server ${first} max_fails`],
    ['server 127.0.0.1:3002 max_fails', `server ${second} max_fails`],
    // IPv6 loopback may be missing in a CI container; the IPv4 lines are what is tested.
    ['    listen [::]:80;\n', ''],
    ['    listen [::]:443 ssl http2;\n', ''],
    ['listen 80;', `listen 127.0.0.1:${settings.httpPort};`],
    ['listen 443 ssl http2;', `listen 127.0.0.1:${settings.httpsPort} ssl http2;`],
    ['/etc/letsencrypt/live/auth.example.com/fullchain.pem', settings.certificate],
    ['/etc/letsencrypt/live/auth.example.com/privkey.pem', settings.key],
    ['/var/log/nginx/tokenauth.access.log', settings.accessLog],
    ['proxy_pass http://tokenauth;', `proxy_pass http://tokenauth;\n        proxy_bind ${settings.bindAddress};`],
  ]
  let config = template
  for (const [from, to] of replacements) {
    const count = config.split(from).length - 1
    if (count !== 1) throw new Error(`deploy/nginx/tokenauth.conf holds "${from.trim()}" ${count} times, not once: update the test with the template`)
    config = config.replace(from, to)
  }
  return config
}

export interface RunningNginx {
  /** nginx's access log so far (the template's `tokenauth` format). */
  accessLog(): string
  stop(): Promise<void>
}

/**
 * Runs Debian's nginx in the foreground as the test's user, everything it writes (pid,
 * logs, temporary files) under `dir`, with `site` included in its `http {}` block as
 * conf.d would; waits until `probe` answers.
 */
export async function startNginx(dir: string, site: string, accessLogPath: string, probe: () => Promise<boolean>): Promise<RunningNginx> {
  await mkdir(join(dir, 'temp'), { recursive: true })
  await writeFile(join(dir, 'tokenauth.conf'), site)
  const errorLog = join(dir, 'error.log')
  const temp = (name: string) => `${name}_temp_path ${join(dir, 'temp', name)};`
  // As root, nginx would hand its workers to `nobody`, who cannot enter the test's folder.
  const user = process.getuid?.() === 0 ? `user ${userInfo().username};\n` : ''
  await writeFile(
    join(dir, 'nginx.conf'),
    `${user}worker_processes 1;
pid ${join(dir, 'nginx.pid')};
error_log ${errorLog} notice;
events { worker_connections 256; }
http {
  ${['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi'].map(temp).join('\n  ')}
  include ${join(dir, 'tokenauth.conf')};
}
`,
  )
  let output = ''
  const child = spawn(NGINX, ['-p', dir, '-c', join(dir, 'nginx.conf'), '-e', errorLog, '-g', 'daemon off;'], { stdio: ['ignore', 'pipe', 'pipe'] })
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()))
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()))
  const stop = () => stopChild(child, 'SIGQUIT')
  const deadline = Date.now() + 10_000
  while (!(await probe().catch(() => false))) {
    if (Date.now() > deadline || child.exitCode !== null) {
      await stop()
      const log = existsSync(errorLog) ? readFileSync(errorLog, 'utf8') : ''
      throw new Error(`nginx did not start:\n${output}\n${log}`)
    }
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
  return { accessLog: () => (existsSync(accessLogPath) ? readFileSync(accessLogPath, 'utf8') : ''), stop }
}

export interface HttpsAnswer {
  readonly status: number
  readonly headers: IncomingHttpHeaders
  readonly body: string
}

/**
 * One request to the proxy over its own connection, trusting exactly the test's
 * certificate (`ca`), from `localAddress` (another loopback address plays another client).
 */
export function requestThroughProxy(
  url: string,
  options: { ca: string; localAddress?: string; method?: string; headers?: Record<string, string>; body?: string },
): Promise<HttpsAnswer> {
  return new Promise((resolve, reject) => {
    const request = httpsRequest(
      url,
      { method: options.method ?? 'GET', headers: options.headers, ca: options.ca, localAddress: options.localAddress, agent: false },
      (response) => {
        let body = ''
        response.setEncoding('utf8')
        response.on('data', (chunk: string) => (body += chunk))
        response.on('end', () => resolve({ status: response.statusCode ?? 0, headers: response.headers, body }))
        response.on('error', reject)
      },
    )
    request.on('error', reject)
    request.end(options.body)
  })
}

/** TCP connections between `address` and `port` on this machine, by state, from /proc/net/tcp (Linux). */
export function loopbackConnections(address: string, port: number): { established: number; timeWait: number } {
  const hex = (value: string) => value.toUpperCase()
  const ip = hex(address.split('.').map((part) => Number(part).toString(16).padStart(2, '0')).reverse().join(''))
  const portHex = hex(port.toString(16).padStart(4, '0'))
  let established = 0
  let timeWait = 0
  for (const line of readFileSync('/proc/net/tcp', 'utf8').split('\n').slice(1)) {
    const [, local = '', remote = '', state = ''] = line.trim().split(/\s+/)
    const ends = [local, remote]
    if (!ends.some((end) => end.startsWith(`${ip}:`)) || !ends.some((end) => end.endsWith(`:${portHex}`))) continue
    if (state === '01' && local.startsWith(`${ip}:`)) established++
    if (state === '06') timeWait++
  }
  return { established, timeWait }
}
