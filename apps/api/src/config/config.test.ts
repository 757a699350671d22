import { randomBytes } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import path from 'node:path'
import { ConfigError, loadConfig, metricsEnabled } from './config.js'
import { parseDurationSeconds } from './durations.js'
import { productionSecrets } from '../test-support/production-secrets.js'

function randomSecret(): string {
  return randomBytes(32).toString('base64url')
}

describe('loadConfig', () => {
  it('has working defaults', () => {
    const config = loadConfig({})
    expect(config).toMatchObject({
      env: 'development',
      host: '127.0.0.1',
      port: 3000,
      dataDir: path.resolve('data'),
      accessTokenTtlSeconds: 900,
      sessionIdleTimeoutSeconds: 1800,
      sessionAbsoluteTimeoutSeconds: 43200,
      rememberMeTimeoutSeconds: 30 * 86400,
      trustProxy: false,
      logFormat: 'json',
      apiDocs: true,
      shutdownTimeoutSeconds: 10,
    })
  })

  it('reads the log format, the API docs switch and the shutdown deadline', () => {
    expect(loadConfig({ LOG_FORMAT: 'pretty', API_DOCS: 'off', SHUTDOWN_TIMEOUT: '30s' })).toMatchObject({
      logFormat: 'pretty',
      apiDocs: false,
      shutdownTimeoutSeconds: 30,
    })
    expect(() => loadConfig({ LOG_FORMAT: 'xml' })).toThrow(/LOG_FORMAT must be json or pretty \(got "xml"\)/)
    expect(() => loadConfig({ API_DOCS: 'maybe' })).toThrow(/API_DOCS must be on or off/)
    expect(() => loadConfig({ SHUTDOWN_TIMEOUT: 'soon' })).toThrow(ConfigError)
  })

  it('reads every variable', () => {
    const config = loadConfig({
      HOST: '0.0.0.0',
      PORT: '8080',
      DATA_DIR: '/tmp/x',
      ACCESS_TOKEN_TTL: '5m',
      SESSION_IDLE_TIMEOUT: '10m',
      SESSION_ABSOLUTE_TIMEOUT: '1d',
      TRUST_PROXY: '1',
      LOG_LEVEL: 'debug',
      SESSION_SECRET: 'a'.repeat(32) + ',' + 'b'.repeat(32),
    })
    expect(config).toMatchObject({
      host: '0.0.0.0',
      port: 8080,
      dataDir: '/tmp/x',
      accessTokenTtlSeconds: 300,
      sessionIdleTimeoutSeconds: 600,
      sessionAbsoluteTimeoutSeconds: 86400,
      trustProxy: 1,
      logLevel: 'debug',
      sessionSecrets: ['a'.repeat(32), 'b'.repeat(32)],
    })
  })

  it.each([
    [{ PORT: 'eighty' }, /PORT/],
    [{ REMEMBER_ME_TIMEOUT: '1h' }, /REMEMBER_ME_TIMEOUT/],
    [{ REMEMBER_ME_TIMEOUT: 'forever' }, /REMEMBER_ME_TIMEOUT/],
    [{ PORT: '70000' }, /PORT/],
    [{ NODE_ENV: 'staging' }, /NODE_ENV/],
    [{ ACCESS_TOKEN_TTL: '15 minutes' }, /ACCESS_TOKEN_TTL/],
    [{ SESSION_IDLE_TIMEOUT: '2d' }, /SESSION_IDLE_TIMEOUT must not be longer/],
    [{ SESSION_SECRET: 'short' }, /SESSION_SECRET/],
    [{ TRUST_PROXY: 'maybe' }, /TRUST_PROXY/],
    [{ TRUST_PROXY: 'true' }, /not "true"/],
    [{ TRUST_PROXY: '10.0.0.0/99' }, /TRUST_PROXY/],
  ])('refuses %o with a message naming the variable', (env, message) => {
    expect(() => loadConfig(env)).toThrow(ConfigError)
    expect(() => loadConfig(env)).toThrow(message)
  })

  it('has the hardening defaults, and reads their variables', () => {
    expect(loadConfig({})).toMatchObject({
      rateLimitMax: 600,
      rateLimitWindowSeconds: 60,
      loginFailuresPerAccount: 5,
      loginFailuresPerIp: 20,
      loginMaxDelaySeconds: 900,
      loginFailureWindowSeconds: 3600,
      maxQueuedHashes: 32,
      corsOrigins: [],
    })
    expect(loadConfig({}).maxConcurrentHashes).toBeGreaterThanOrEqual(1)
    expect(
      loadConfig({
        RATE_LIMIT_MAX: '100000',
        RATE_LIMIT_WINDOW: '10s',
        LOGIN_FAILURES_PER_ACCOUNT: '10',
        LOGIN_FAILURES_PER_IP: '50',
        LOGIN_MAX_DELAY: '1m',
        LOGIN_FAILURE_WINDOW: '1d',
        MAX_CONCURRENT_HASHES: '4',
        MAX_QUEUED_HASHES: '0',
        CORS_ORIGINS: 'https://app.example.com, http://localhost:5173',
      }),
    ).toMatchObject({
      rateLimitMax: 100000,
      rateLimitWindowSeconds: 10,
      loginFailuresPerAccount: 10,
      loginFailuresPerIp: 50,
      loginMaxDelaySeconds: 60,
      loginFailureWindowSeconds: 86400,
      maxConcurrentHashes: 4,
      maxQueuedHashes: 0,
      corsOrigins: ['https://app.example.com', 'http://localhost:5173'],
    })
  })

  it.each([
    [{ RATE_LIMIT_MAX: '0' }, /RATE_LIMIT_MAX must be a whole number from 1/],
    [{ RATE_LIMIT_WINDOW: 'soon' }, /RATE_LIMIT_WINDOW must be a duration/],
    [{ LOGIN_FAILURES_PER_IP: 'many' }, /LOGIN_FAILURES_PER_IP/],
    [{ LOGIN_MAX_DELAY: '2h' }, /LOGIN_FAILURE_WINDOW must be longer than LOGIN_MAX_DELAY/],
    [{ MAX_CONCURRENT_HASHES: '0' }, /MAX_CONCURRENT_HASHES must be a whole number from 1 to 64/],
    [{ CORS_ORIGINS: '*' }, /CORS_ORIGINS must list exact origins: "\*" cannot be combined with credentials/],
    [{ CORS_ORIGINS: 'https://app.example.com/' }, /CORS_ORIGINS must be comma-separated origins .* got "https:\/\/app.example.com\/"/],
    [{ CORS_ORIGINS: 'app.example.com' }, /CORS_ORIGINS/],
    [{ CORS_ORIGINS: 'ftp://files.example.com' }, /CORS_ORIGINS/],
  ])('refuses hardening setting %o with a message naming the variable', (env, message) => {
    expect(() => loadConfig(env)).toThrow(ConfigError)
    expect(() => loadConfig(env)).toThrow(message)
  })

  it('refuses to start in production without keys, saying what to set', () => {
    expect(() => loadConfig({ NODE_ENV: 'production' })).toThrow(/TOKEN_KEYS, SESSION_SECRET, DATA_KEYS must be set/)
    expect(() => loadConfig({ NODE_ENV: 'production', SESSION_SECRET: 'x'.repeat(32), DATA_KEYS: 'd:' + 'A'.repeat(43) })).toThrow(/TOKEN_KEYS must be set/)
    expect(() => loadConfig({ NODE_ENV: 'production', SESSION_SECRET: 'x'.repeat(32), TOKEN_KEYS: 't:' + 'A'.repeat(43) })).toThrow(/DATA_KEYS must be set/)
  })

  it('refuses placeholder secrets in production, naming the variable', () => {
    const production = { NODE_ENV: 'production', ...productionSecrets() }
    expect(() => loadConfig({ ...production, SESSION_SECRET: 'a'.repeat(32) })).toThrow(/^SESSION_SECRET looks like a placeholder/)
    expect(() => loadConfig({ ...production, SESSION_SECRET: `${randomSecret()},${'changeme'.repeat(4)}` })).toThrow(/^SESSION_SECRET looks like a placeholder/)
    expect(() => loadConfig({ ...production, METRICS_TOKEN: '0'.repeat(40) })).toThrow(/^METRICS_TOKEN looks like a placeholder/)
    expect(loadConfig(production).sessionSecrets).toEqual([production.SESSION_SECRET])
    // Outside production a placeholder is a developer's choice.
    expect(loadConfig({ SESSION_SECRET: 'a'.repeat(32) }).sessionSecrets).toEqual(['a'.repeat(32)])
  })
})

describe('parseDurationSeconds', () => {
  it.each([
    ['900', 900],
    ['900s', 900],
    ['15m', 900],
    ['12h', 43200],
    ['7d', 604800],
    ['', undefined],
    ['-5', undefined],
    ['1.5h', undefined],
    ['15 minutes', undefined],
  ])('%s → %s', (text, seconds) => {
    expect(parseDurationSeconds(text)).toBe(seconds)
  })
})

describe('PUBLIC_URL', () => {
  it('is where people open the app; the setup link uses it', () => {
    expect(loadConfig({}).publicUrl).toBeUndefined()
    expect(loadConfig({ PUBLIC_URL: 'https://auth.example.com/' }).publicUrl).toBe('https://auth.example.com')
    expect(() => loadConfig({ PUBLIC_URL: 'ftp://x' })).toThrow(/PUBLIC_URL/)
    expect(() => loadConfig({ PUBLIC_URL: 'not a url' })).toThrow(/PUBLIC_URL/)
  })
})

describe('TRUST_PROXY', () => {
  it.each([
    [undefined, false],
    ['false', false],
    ['1', 1],
    ['2', 2],
    ['10.0.0.0/8, 127.0.0.1', '10.0.0.0/8,127.0.0.1'],
    ['5', 5],
    ['::1,fd12:3456:789a::/48', '::1,fd12:3456:789a::/48'],
    ['2001:db8::/32', '2001:db8::/32'],
    ['::ffff:10.0.0.0/104', '::ffff:10.0.0.0/104'],
  ])('%s → %s', (raw, expected) => {
    expect(loadConfig(raw === undefined ? {} : { TRUST_PROXY: raw }).trustProxy).toBe(expected)
  })
})

describe('TRUST_PROXY that would trust every client is refused, naming the variable', () => {
  it.each([
    ['99', /TRUST_PROXY as a number .* 1 to 5/],
    ['6', /TRUST_PROXY as a number/],
    ['0.0.0.0/0', /TRUST_PROXY "0\.0\.0\.0\/0" is shorter than \/8/],
    ['10.0.0.0/7', /TRUST_PROXY "10\.0\.0\.0\/7" is shorter than \/8/],
    ['0.0.0.0/1,128.0.0.0/1', /TRUST_PROXY "0\.0\.0\.0\/1" is shorter than \/8/],
    [Array.from({ length: 128 }, (_, i) => `${i * 2}.0.0.0/8`).join(','), /TRUST_PROXY covers half of all IPv4 addresses/],
    ['::/0', /TRUST_PROXY "::\/0" is shorter than \/32/],
    ['fd00::/8', /shorter than \/32/],
    ['::ffff:0.0.0.0/96', /TRUST_PROXY "::ffff:0\.0\.0\.0\/96" is shorter than \/8 of IPv4/],
    [Array.from({ length: 128 }, (_, i) => `::ffff:${i}.0.0.0/104`).join(','), /TRUST_PROXY covers half/],
  ])('%#: %s', (raw, message) => {
    expect(() => loadConfig({ TRUST_PROXY: raw })).toThrow(ConfigError)
    expect(() => loadConfig({ TRUST_PROXY: raw })).toThrow(message)
  })

  it('takes ranges that together stay under half of IPv4, overlaps counted once', () => {
    const justUnder = Array.from({ length: 127 }, (_, i) => `${i}.0.0.0/8`).concat(['0.0.0.0/8', '1.2.3.0/24'])
    expect(loadConfig({ TRUST_PROXY: justUnder.join(',') }).trustProxy).toBe(justUnder.join(','))
  })
})

describe('several instances: REDIS_URL and WORKERS', () => {
  it('defaults to local counters and one process', () => {
    expect(loadConfig({})).toMatchObject({ redisUrl: undefined, workers: 1 })
  })

  it('reads a redis URL, a worker count and auto', () => {
    expect(loadConfig({ REDIS_URL: 'redis://127.0.0.1:6379/2', WORKERS: '3' })).toMatchObject({
      redisUrl: 'redis://127.0.0.1:6379/2',
      workers: 3,
    })
    expect(loadConfig({ WORKERS: 'auto' }).workers).toBeGreaterThanOrEqual(1)
  })

  it('refuses a URL of another scheme without echoing it (it may hold a password)', () => {
    expect(() => loadConfig({ REDIS_URL: 'http://user:hunter2@host' })).toThrow(ConfigError)
    expect(() => loadConfig({ REDIS_URL: 'http://user:hunter2@host' })).not.toThrow(/hunter2/)
  })

  it.each(['0', '-1', '1.5', 'many', '257'])('refuses WORKERS=%s', (value) => {
    expect(() => loadConfig({ WORKERS: value })).toThrow(/WORKERS/)
  })
})

describe('DATABASE_URL', () => {
  it('selects PostgreSQL for postgres:// and postgresql:// URLs, SQLite when unset or empty', () => {
    expect(loadConfig({ DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/tokenauth' }).databaseUrl).toBe('postgres://postgres@127.0.0.1:5432/tokenauth')
    expect(loadConfig({ DATABASE_URL: ' postgresql://u:p@db/x ' }).databaseUrl).toBe('postgresql://u:p@db/x')
    expect(loadConfig({ DATABASE_URL: '' }).databaseUrl).toBeUndefined()
    expect(loadConfig({}).databaseUrl).toBeUndefined()
  })

  it.each(['mysql://root@db/x', 'sqlite:///tmp/x.db', 'not a url', 'file:data/tokenauth.sqlite'])('refuses %s rather than quietly using SQLite', (value) => {
    expect(() => loadConfig({ DATABASE_URL: value })).toThrow(/DATABASE_URL must be a postgres:\/\/ or postgresql:\/\/ URL/)
  })
})

describe('metrics and load-shedding settings', () => {
  it('leaves metrics off and sheds past 1 s of event-loop delay or 90 % of the heap limit by default', () => {
    const config = loadConfig({})
    expect(metricsEnabled(config)).toBe(false)
    expect(config).toMatchObject({ metricsPort: undefined, metricsHost: '127.0.0.1', metricsToken: undefined, overloadEventLoopDelayMs: 1000 })
    expect(config.overloadHeapUsedBytes).toBeGreaterThan(64 * 1024 * 1024)
    expect(loadConfig({ OVERLOAD_HEAP_USED_MB: '0', OVERLOAD_EVENT_LOOP_DELAY_MS: '0' })).toMatchObject({ overloadHeapUsedBytes: 0, overloadEventLoopDelayMs: 0 })
  })

  it('turns metrics on with either METRICS_PORT or METRICS_TOKEN', () => {
    expect(metricsEnabled(loadConfig({ METRICS_PORT: '9464', METRICS_HOST: '10.0.0.5' }))).toBe(true)
    expect(loadConfig({ METRICS_PORT: '9464', METRICS_HOST: '10.0.0.5' })).toMatchObject({ metricsPort: 9464, metricsHost: '10.0.0.5' })
    expect(metricsEnabled(loadConfig({ METRICS_TOKEN: 'x'.repeat(32) }))).toBe(true)
  })

  it('refuses a short or spaced METRICS_TOKEN, a METRICS_PORT that is PORT, and bad numbers', () => {
    expect(() => loadConfig({ METRICS_TOKEN: 'short' })).toThrow(/METRICS_TOKEN must be at least 32/)
    expect(() => loadConfig({ METRICS_TOKEN: `${'x'.repeat(20)} ${'y'.repeat(20)}` })).toThrow(/METRICS_TOKEN/)
    expect(() => loadConfig({ METRICS_PORT: '3000' })).toThrow(/METRICS_PORT must differ from PORT/)
    expect(() => loadConfig({ METRICS_PORT: '0' })).toThrow(/METRICS_PORT must be a whole number/)
    expect(() => loadConfig({ OVERLOAD_EVENT_LOOP_DELAY_MS: '-1' })).toThrow(/OVERLOAD_EVENT_LOOP_DELAY_MS/)
  })
})
