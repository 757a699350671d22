import { isIP } from 'node:net'
import { availableParallelism } from 'node:os'
import { getHeapStatistics } from 'node:v8'
import path from 'node:path'
import { parseDurationSeconds } from './durations.js'
import { isPlaceholderSecret } from './secret-strength.js'
import { trustsEveryone } from './trusted-proxies.js'

/** Everything the server reads from its environment, parsed and checked once at start-up. */
export interface Config {
  readonly env: 'development' | 'production' | 'test'
  readonly host: string
  readonly port: number
  readonly dataDir: string
  /** `TOKEN_KEYS` text (`kid:base64url,…`, first signs), or undefined to use/generate the dev key file. */
  readonly tokenKeys: string | undefined
  /** `SESSION_SECRET` values (first signs cookies), or undefined to use/generate the dev secret file. */
  readonly sessionSecrets: readonly string[] | undefined
  /** `DATA_KEYS` text (`kid:base64url,…`, first encrypts), or undefined to use/generate the dev key file. */
  readonly dataKeys: string | undefined
  /** The issuer an authenticator app shows next to the account (`MFA_ISSUER`). */
  readonly mfaIssuer: string
  /** `MFA_REQUIRED`: whose accounts must have a second factor (OWASP ASVS 5.0 level 2 asks for `everyone`). */
  readonly mfaRequired: MfaPolicy
  /** `ADMIN_CONTACT`: whom the sign-in page tells a person who lost the password to ask. */
  readonly adminContact: string | undefined
  readonly accessTokenTtlSeconds: number
  /** How recent a proof of who the person is the step-up routes need (`STEP_UP_MAX_AGE`). */
  readonly stepUpMaxAgeSeconds: number
  readonly sessionIdleTimeoutSeconds: number
  readonly sessionAbsoluteTimeoutSeconds: number
  /** Absolute lifetime of a "keep me signed in" session; 0 turns the option off. */
  readonly rememberMeTimeoutSeconds: number
  /** Audit events older than this are deleted. */
  readonly auditRetentionDays: number
  /** Audit events anyone can cause without signing in (failed sign-ins, unknown keys) kept per minute, per process. */
  readonly auditUnauthenticatedPerMinute: number
  /** Audit events one signed-in account can cause per minute, per process; the rest go to the request log. */
  readonly auditPerAccountPerMinute: number
  /** Live sessions one account may hold; a sign-in past it ends the oldest first. */
  readonly maxSessionsPerUser: number
  readonly logLevel: string
  /** `json` (one object a line, for machines) or `pretty` (pino-pretty, for a person at a terminal). */
  readonly logFormat: 'json' | 'pretty'
  /** Serve the interactive API reference at `/api/docs`. */
  readonly apiDocs: boolean
  /** After SIGTERM/SIGINT, in-flight requests get this long to finish before the process exits anyway. */
  readonly shutdownTimeoutSeconds: number
  /**
   * Which `X-Forwarded-*` hops to believe: false (none), a number of proxies in front, or
   * their addresses/CIDRs. Never "all": then any client could choose its own IP.
   */
  readonly trustProxy: false | number | string
  /** Folder holding the built SPA; served when it exists. */
  readonly webDistDir: string
  /** Where people open the app, when not at the listening address (a proxy, or Vite in `pnpm dev`). */
  readonly publicUrl: string | undefined
  /**
   * Who passkeys belong to (WebAuthn's relying party): from `WEBAUTHN_RP_ID` and
   * `WEBAUTHN_ORIGINS`, else `PUBLIC_URL`, else `localhost` on `PORT`. Undefined when
   * `PUBLIC_URL` is an IP address, which WebAuthn refuses as an RP ID: passkeys are off.
   */
  readonly webauthn: RelyingParty | undefined
  /** Requests one IP may make to `/api` per `rateLimitWindowSeconds` (`/api/health` is exempt). */
  readonly rateLimitMax: number
  readonly rateLimitWindowSeconds: number
  /** Failed sign-ins for one username, then for one IP, allowed back to back before delays start. */
  readonly loginFailuresPerAccount: number
  readonly loginFailuresPerIp: number
  /** Delays start at one second and double with each failure, up to this. */
  readonly loginMaxDelaySeconds: number
  /** Failures are forgotten after this long without another. */
  readonly loginFailureWindowSeconds: number
  /** Password hashes (argon2id) computed at once; more wait in a queue of `maxQueuedHashes`, then get 503. */
  readonly maxConcurrentHashes: number
  readonly maxQueuedHashes: number
  /** Exact origins (`https://app.example.com`) of apps served elsewhere that may call the API with credentials. */
  readonly corsOrigins: readonly string[]
  /** `DATABASE_URL` (postgres:// or postgresql://): users, sessions, notes, audit in PostgreSQL; undefined keeps the SQLite file under DATA_DIR. */
  readonly databaseUrl: string | undefined
  /** `REDIS_URL`: counters (request limit, sign-in throttle) shared by every instance; undefined keeps them local. */
  readonly redisUrl: string | undefined
  /** `WORKERS`: API worker threads on one port (SO_REUSEPORT); 1 runs the server in the main thread. */
  readonly workers: number
  /** A request (headers and body) must arrive within this; otherwise 408 and the connection closes. */
  readonly requestTimeoutSeconds: number
  /** A connection with no traffic either way for this long is closed. */
  readonly connectionTimeoutSeconds: number
  /** An idle keep-alive connection is closed after this; keep it above a proxy's own idle timeout. */
  readonly keepAliveTimeoutSeconds: number
  /** Requests one keep-alive connection may carry before it is closed. */
  readonly maxRequestsPerSocket: number
  /** `METRICS_PORT`: Prometheus metrics on a port of their own (at `METRICS_HOST`); wins over `metricsToken`. */
  readonly metricsPort: number | undefined
  readonly metricsHost: string
  /** `METRICS_TOKEN`: without a metrics port, `GET /api/metrics` answers a `Bearer` of this value. */
  readonly metricsToken: string | undefined
  /** `/api` answers 503 while the event loop's mean delay over a second is above this (ms); 0 never. */
  readonly overloadEventLoopDelayMs: number
  /** `/api` answers 503 while the V8 heap in use is above this (bytes); 0 never. */
  readonly overloadHeapUsedBytes: number
}

/** Whose accounts without a second factor are signed in to enrolling one and nothing else. */
export const MFA_POLICIES = ['none', 'admins', 'everyone'] as const
export type MfaPolicy = (typeof MFA_POLICIES)[number]

/** Shown as text on the sign-in page: one line, and short enough for it. */
function adminContact(value: string | undefined): string | undefined {
  const contact = value?.trim()
  if (!contact) return undefined
  if (contact.length > 200 || /\p{Cc}/u.test(contact)) throw new ConfigError('ADMIN_CONTACT must be one line of at most 200 characters')
  return contact
}

/** WebAuthn's relying party: the ID passkeys are bound to, and the pages that may use them. */
export interface RelyingParty {
  readonly id: string
  /** Shown by the browser and the authenticator (`MFA_ISSUER`). */
  readonly name: string
  readonly origins: readonly string[]
}

/** An issuer goes into the otpauth:// label as `issuer:account`, so it must not hold a colon. */
function mfaIssuer(value: string | undefined): string {
  const issuer = value?.trim() || 'tokenauth'
  if (issuer.includes(':') || issuer.length > 64) throw new ConfigError('MFA_ISSUER must be at most 64 characters, without ":"')
  return issuer
}

/** Metrics are on when either way of reading them is configured. */
export function metricsEnabled(config: Pick<Config, 'metricsPort' | 'metricsToken'>): boolean {
  return config.metricsPort !== undefined || config.metricsToken !== undefined
}

/** Thrown when the environment is wrong; its message says which variable and what to set. */
export class ConfigError extends Error {
  override name = 'ConfigError'
}

type Env = Readonly<Record<string, string | undefined>>

const DEFAULT_WEB_DIST = path.resolve(import.meta.dirname, '../../../web/dist')

/** Parses the process environment (or any map, for tests) into a `Config`. */
export function loadConfig(env: Env = process.env): Config {
  const nodeEnv = env.NODE_ENV ?? 'development'
  if (nodeEnv !== 'development' && nodeEnv !== 'production' && nodeEnv !== 'test') {
    throw new ConfigError(`NODE_ENV must be development, production or test (got "${nodeEnv}")`)
  }
  const port = integer(env, 'PORT', 3000, 0, 65535)
  const accessTokenTtlSeconds = duration(env, 'ACCESS_TOKEN_TTL', 15 * 60)
  const sessionIdleTimeoutSeconds = duration(env, 'SESSION_IDLE_TIMEOUT', 30 * 60)
  const sessionAbsoluteTimeoutSeconds = duration(env, 'SESSION_ABSOLUTE_TIMEOUT', 12 * 3600)
  if (sessionIdleTimeoutSeconds > sessionAbsoluteTimeoutSeconds) {
    throw new ConfigError('SESSION_IDLE_TIMEOUT must not be longer than SESSION_ABSOLUTE_TIMEOUT')
  }
  const rememberMeTimeoutSeconds = duration(env, 'REMEMBER_ME_TIMEOUT', 30 * 86400, { zeroMeansOff: true })
  if (rememberMeTimeoutSeconds !== 0 && rememberMeTimeoutSeconds < sessionAbsoluteTimeoutSeconds) {
    throw new ConfigError('REMEMBER_ME_TIMEOUT must be 0 (off) or at least SESSION_ABSOLUTE_TIMEOUT')
  }
  const sessionSecrets = list(env.SESSION_SECRET)
  for (const secret of sessionSecrets ?? []) {
    if (secret.length < 32) throw new ConfigError('each SESSION_SECRET value must be at least 32 characters')
  }
  const tokenKeys = env.TOKEN_KEYS?.trim() || undefined
  const dataKeys = env.DATA_KEYS?.trim() || undefined
  const loginMaxDelaySeconds = duration(env, 'LOGIN_MAX_DELAY', 15 * 60)
  const loginFailureWindowSeconds = duration(env, 'LOGIN_FAILURE_WINDOW', 60 * 60)
  if (loginFailureWindowSeconds <= loginMaxDelaySeconds) {
    // Otherwise the failures would be forgotten while the delay runs, and the free tries return.
    throw new ConfigError('LOGIN_FAILURE_WINDOW must be longer than LOGIN_MAX_DELAY')
  }
  if (nodeEnv === 'production') {
    const missing = [!tokenKeys && 'TOKEN_KEYS', !sessionSecrets && 'SESSION_SECRET', !dataKeys && 'DATA_KEYS'].filter(Boolean)
    if (missing.length > 0) {
      throw new ConfigError(
        `In production ${missing.join(', ')} must be set. ` +
          'Generate values with `pnpm keys` and keep them in your secret store.',
      )
    }
    // TOKEN_KEYS is checked once parsed, in loadSecrets: its secrets are the decoded bytes.
    if (sessionSecrets?.some(isPlaceholderSecret)) throw new ConfigError(placeholderSecret('SESSION_SECRET'))
    if (env.METRICS_TOKEN !== undefined && isPlaceholderSecret(env.METRICS_TOKEN.trim())) throw new ConfigError(placeholderSecret('METRICS_TOKEN'))
  }
  return {
    env: nodeEnv,
    host: env.HOST?.trim() || '127.0.0.1',
    port,
    dataDir: path.resolve(env.DATA_DIR?.trim() || 'data'),
    tokenKeys,
    sessionSecrets,
    dataKeys,
    mfaIssuer: mfaIssuer(env.MFA_ISSUER),
    mfaRequired: oneOf(env, 'MFA_REQUIRED', MFA_POLICIES, 'none'),
    adminContact: adminContact(env.ADMIN_CONTACT),
    accessTokenTtlSeconds,
    stepUpMaxAgeSeconds: duration(env, 'STEP_UP_MAX_AGE', 5 * 60),
    sessionIdleTimeoutSeconds,
    sessionAbsoluteTimeoutSeconds,
    rememberMeTimeoutSeconds,
    auditRetentionDays: integer(env, 'AUDIT_RETENTION_DAYS', 90, 1, 36500),
    auditUnauthenticatedPerMinute: integer(env, 'AUDIT_UNAUTHENTICATED_PER_MINUTE', 60, 1, 1e6),
    auditPerAccountPerMinute: integer(env, 'AUDIT_PER_ACCOUNT_PER_MINUTE', 30, 1, 1e6),
    maxSessionsPerUser: integer(env, 'MAX_SESSIONS_PER_USER', 50, 1, 10_000),
    logLevel: env.LOG_LEVEL?.trim() || (nodeEnv === 'test' ? 'warn' : 'info'),
    logFormat: oneOf(env, 'LOG_FORMAT', ['json', 'pretty'], 'json'),
    apiDocs: oneOf(env, 'API_DOCS', ['on', 'off'], 'on') === 'on',
    shutdownTimeoutSeconds: duration(env, 'SHUTDOWN_TIMEOUT', 10),
    trustProxy: trustProxy(env.TRUST_PROXY),
    webDistDir: path.resolve(env.WEB_DIST_DIR?.trim() || DEFAULT_WEB_DIST),
    publicUrl: publicUrl(env.PUBLIC_URL),
    webauthn: relyingParty(env, port),
    rateLimitMax: integer(env, 'RATE_LIMIT_MAX', 600, 1, 1e9),
    rateLimitWindowSeconds: duration(env, 'RATE_LIMIT_WINDOW', 60),
    loginFailuresPerAccount: integer(env, 'LOGIN_FAILURES_PER_ACCOUNT', 5, 1, 1e9),
    loginFailuresPerIp: integer(env, 'LOGIN_FAILURES_PER_IP', 20, 1, 1e9),
    loginMaxDelaySeconds,
    loginFailureWindowSeconds,
    // Leave a core (and a libuv thread) for everything else: a login storm must not starve token checks.
    maxConcurrentHashes: integer(env, 'MAX_CONCURRENT_HASHES', Math.min(3, Math.max(1, availableParallelism() - 1)), 1, 64),
    maxQueuedHashes: integer(env, 'MAX_QUEUED_HASHES', 32, 0, 100_000),
    corsOrigins: origins(env, 'CORS_ORIGINS'),
    databaseUrl: databaseUrl(env.DATABASE_URL),
    redisUrl: redisUrl(env.REDIS_URL),
    workers: workers(env.WORKERS),
    requestTimeoutSeconds: duration(env, 'REQUEST_TIMEOUT', 30),
    connectionTimeoutSeconds: duration(env, 'CONNECTION_TIMEOUT', 60),
    keepAliveTimeoutSeconds: duration(env, 'KEEP_ALIVE_TIMEOUT', 72),
    maxRequestsPerSocket: integer(env, 'MAX_REQUESTS_PER_SOCKET', 1000, 1, 1e9),
    ...metricsSettings(env, port),
    overloadEventLoopDelayMs: integer(env, 'OVERLOAD_EVENT_LOOP_DELAY_MS', 1000, 0, 60_000),
    overloadHeapUsedBytes: integer(env, 'OVERLOAD_HEAP_USED_MB', defaultHeapThresholdMb(), 0, 1_000_000) * 1024 * 1024,
  }
}

/** Nine tenths of V8's heap limit: past it, garbage collection takes most of the time and answers slow to a crawl. */
function defaultHeapThresholdMb(): number {
  return Math.floor((getHeapStatistics().heap_size_limit * 0.9) / (1024 * 1024))
}

function metricsSettings(env: Env, port: number): Pick<Config, 'metricsPort' | 'metricsHost' | 'metricsToken'> {
  const metricsPort = env.METRICS_PORT?.trim() ? integer(env, 'METRICS_PORT', 0, 1, 65535) : undefined
  if (metricsPort !== undefined && metricsPort === port) throw new ConfigError('METRICS_PORT must differ from PORT')
  const metricsToken = env.METRICS_TOKEN?.trim() || undefined
  if (metricsToken !== undefined && (metricsToken.length < 32 || !/^[\x21-\x7e]+$/.test(metricsToken))) {
    throw new ConfigError('METRICS_TOKEN must be at least 32 printable characters without spaces (e.g. `openssl rand -base64 32`)')
  }
  return { metricsPort, metricsHost: env.METRICS_HOST?.trim() || '127.0.0.1', metricsToken }
}

/**
 * Only PostgreSQL URLs: any other scheme is refused rather than ignored, since a server
 * told to use a shared database must not quietly write to a local SQLite file instead.
 */
function databaseUrl(raw: string | undefined): string | undefined {
  return urlWithScheme(
    raw,
    ['postgres:', 'postgresql:'],
    'DATABASE_URL must be a postgres:// or postgresql:// URL such as postgres://tokenauth@127.0.0.1:5432/tokenauth (got a value that is not); unset it to use the SQLite file under DATA_DIR',
  )
}

function redisUrl(raw: string | undefined): string | undefined {
  return urlWithScheme(raw, ['redis:', 'rediss:'], 'REDIS_URL must be a redis:// or rediss:// URL such as redis://127.0.0.1:6379/0 (got a value that is not)')
}

/** The URL when set and of one of `schemes`; unset or blank is undefined; anything else a ConfigError. */
function urlWithScheme(raw: string | undefined, schemes: readonly string[], refusal: string): string | undefined {
  const text = raw?.trim()
  if (!text) return undefined
  let protocol = ''
  try {
    protocol = new URL(text).protocol
  } catch {
    // refused below
  }
  if (schemes.includes(protocol)) return text
  throw new ConfigError(refusal)
}

/** `auto` is one worker per core the process may use. */
function workers(raw: string | undefined): number {
  const text = raw?.trim().toLowerCase()
  if (!text) return 1
  if (text === 'auto') return availableParallelism()
  const value = Number(text)
  if (Number.isInteger(value) && value >= 1 && value <= 256) return value
  throw new ConfigError(`WORKERS must be a whole number from 1 to 256, or auto (got "${raw?.trim()}")`)
}

function integer(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name]?.trim()
  if (!raw) return fallback
  const value = Number(raw)
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new ConfigError(`${name} must be a whole number from ${min} to ${max} (got "${raw}")`)
  }
  return value
}

function oneOf<const T extends string>(env: Env, name: string, allowed: readonly T[], fallback: T): T {
  const raw = env[name]?.trim().toLowerCase()
  if (!raw) return fallback
  const value = allowed.find((item) => item === raw)
  if (value === undefined) throw new ConfigError(`${name} must be ${allowed.join(' or ')} (got "${env[name]?.trim()}")`)
  return value
}

function duration(env: Env, name: string, fallbackSeconds: number, { zeroMeansOff = false } = {}): number {
  const raw = env[name]?.trim()
  if (!raw) return fallbackSeconds
  const seconds = parseDurationSeconds(raw)
  if (seconds === undefined || (seconds < 1 && !(zeroMeansOff && seconds === 0))) {
    throw new ConfigError(`${name} must be a duration such as 900, 15m, 12h or 7d (got "${raw}")`)
  }
  return seconds
}

function origins(env: Env, name: string): string[] {
  const items = list(env[name]) ?? []
  for (const item of items) {
    if (item === '*') throw new ConfigError(`${name} must list exact origins: "*" cannot be combined with credentials`)
    let origin: string | undefined
    try {
      const url = new URL(item)
      if (url.protocol === 'https:' || url.protocol === 'http:') origin = url.origin
    } catch {
      origin = undefined
    }
    if (origin !== item) {
      throw new ConfigError(
        `${name} must be comma-separated origins such as https://app.example.com (scheme, host and port; no path or trailing slash); got "${item}"`,
      )
    }
  }
  return items
}

function list(raw: string | undefined): string[] | undefined {
  const items = (raw ?? '').split(',').map((s) => s.trim()).filter(Boolean)
  return items.length > 0 ? items : undefined
}

function publicUrl(raw: string | undefined): string | undefined {
  const text = raw?.trim()
  if (!text) return undefined
  try {
    const url = new URL(text)
    if (url.protocol === 'http:' || url.protocol === 'https:') return url.href.replace(/\/$/, '')
  } catch {
    // reported below
  }
  throw new ConfigError(`PUBLIC_URL must be an http(s) URL such as https://auth.example.com (got "${text}")`)
}

/**
 * The relying party. `pnpm start` serves http://127.0.0.1:3000, but an RP ID cannot be an
 * IP address: the default is `localhost`, which browsers treat as a secure context.
 */
function relyingParty(env: Env, port: number): RelyingParty | undefined {
  const name = mfaIssuer(env.MFA_ISSUER)
  const listed = origins(env, 'WEBAUTHN_ORIGINS')
  const rpId = env.WEBAUTHN_RP_ID?.trim().toLowerCase()
  const publicOrigin = publicUrl(env.PUBLIC_URL)
  if (rpId) {
    if (isIP(rpId) !== 0 || !/^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*$/.test(rpId)) {
      throw new ConfigError(`WEBAUTHN_RP_ID must be a domain name such as auth.example.com, not an IP address or a URL (got "${rpId}")`)
    }
    const allowed = listed.length > 0 ? listed : [publicOrigin && new URL(publicOrigin).hostname === rpId ? new URL(publicOrigin).origin : `https://${rpId}`]
    for (const origin of allowed) {
      const host = new URL(origin).hostname
      if (host !== rpId && !host.endsWith(`.${rpId}`)) throw new ConfigError(`WEBAUTHN_ORIGINS: ${origin} is not on WEBAUTHN_RP_ID ${rpId} or a subdomain of it`)
    }
    return { id: rpId, name, origins: allowed }
  }
  if (listed.length > 0) throw new ConfigError('WEBAUTHN_ORIGINS needs WEBAUTHN_RP_ID')
  if (publicOrigin) {
    const url = new URL(publicOrigin)
    // URL keeps IPv6 hosts in brackets; either kind of address cannot be an RP ID.
    return isIP(url.hostname.replace(/^\[|\]$/g, '')) === 0 ? { id: url.hostname, name, origins: [url.origin] } : undefined
  }
  return { id: 'localhost', name, origins: [`http://localhost:${port}`] }
}

/** Proxies in front of the server counted by TRUST_PROXY, at most: a chain longer than this is not a deployment but a spoofing hole. */
const MAX_TRUSTED_HOPS = 5

/** The one-line refusal of a secret that is a placeholder (see `isPlaceholderSecret`). */
export function placeholderSecret(variable: string): string {
  return `${variable} looks like a placeholder (a repeated or low-variety value), not a random secret: generate one with \`pnpm keys\``
}

function trustProxy(raw: string | undefined): false | number | string {
  const text = raw?.trim().toLowerCase()
  if (!text || text === 'false' || text === '0') return false
  if (/^[0-9]+$/.test(text)) {
    const hops = Number(text)
    if (hops >= 1 && hops <= MAX_TRUSTED_HOPS) return hops
    throw new ConfigError(`TRUST_PROXY as a number counts the proxies in front of the server: 1 to ${MAX_TRUSTED_HOPS} (got "${raw?.trim()}"); more would trust addresses any client can write`)
  }
  const entries = text.split(',').map((s) => s.trim())
  const valid = entries.every((entry) => {
    const [address = '', prefix, extra] = entry.split('/')
    if (extra !== undefined || isIP(address) === 0) return false
    return prefix === undefined || (/^[0-9]{1,3}$/.test(prefix) && Number(prefix) <= (isIP(address) === 4 ? 32 : 128))
  })
  if (text === 'true' || !valid) {
    throw new ConfigError(
      'TRUST_PROXY must be false, the number of proxies in front of the server (e.g. 1), or their addresses ' +
        `(e.g. 10.0.0.0/8,127.0.0.1) — not "true", which would let any client choose its own IP (got "${raw?.trim()}")`,
    )
  }
  const tooWide = trustsEveryone(entries)
  if (tooWide) throw new ConfigError(`TRUST_PROXY ${tooWide}: list your proxies' own addresses, so that no client can choose its IP`)
  return entries.join(',')
}
