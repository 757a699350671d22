import type { Config } from '../config/config.js'
import type { Clock } from '../clock.js'
import { connected, createRedisClient } from '../deps/redis-client.js'
import type { DependencyCheck } from '../deps/dependency-checks.js'
import { MemoryRateLimitStore, type RateLimitStore } from './rate-limit-store.js'
import { RedisRateLimitStore } from './redis-rate-limit-store.js'
import { SqliteRateLimitStore } from './sqlite-rate-limit-store.js'
import { SharedRateLimitStore } from './shared-rate-limit-store.js'
import { threadCounterTables } from './shared-counter-tables.js'

/** Redis key prefixes: the two limits never share a keyspace (as in memory, two stores). */
export const REDIS_REQUEST_PREFIX = 'tokenauth:requests:'
export const REDIS_LOGIN_PREFIX = 'tokenauth:logins:'

/**
 * Live sign-in counters one process holds at most (about 100 bytes each: some 20 MB).
 * Each failure counter lives `LOGIN_FAILURE_WINDOW` after its last failure and each
 * address gets `LOGIN_FAILURES_PER_IP` free tries, so filling it takes some ten thousand
 * addresses failing within one window.
 */
const LOGIN_MAX_KEYS = 200_000

/** The counter stores of the two limits, and what they depend on. */
export interface CounterStores {
  /** The general per-IP request limit. */
  readonly requests: RateLimitStore
  /** The sign-in throttle (per username, per IP). */
  readonly logins: RateLimitStore
  readonly dependencies: readonly DependencyCheck[]
  close(): Promise<void>
}

/**
 * Redis when `REDIS_URL` is set (every instance counts together); else, in a worker thread
 * of `WORKERS=N`, the tables in shared memory the main thread made (every thread counts
 * together; see SharedRateLimitStore); else, with `WORKERS>1` outside those threads (the
 * CLI), the SQLite file the tables overflow into; else this process's memory.
 */
export async function createCounterStores(config: Config, clock: Clock): Promise<CounterStores> {
  if (config.redisUrl !== undefined) {
    const redis = createRedisClient(config.redisUrl)
    await connected(redis)
    return {
      requests: new RedisRateLimitStore(redis, REDIS_REQUEST_PREFIX, clock),
      logins: new RedisRateLimitStore(redis, REDIS_LOGIN_PREFIX, clock),
      dependencies: [{ name: 'redis', ping: () => redis.ping() }],
      close: async () => {
        redis.disconnect()
      },
    }
  }
  const tables = config.workers > 1 ? threadCounterTables() : undefined
  if (tables !== undefined) {
    const overflows: SqliteRateLimitStore[] = []
    const overflow = (prefix: string) => () => {
      const store = new SqliteRateLimitStore(config.dataDir, prefix, clock)
      overflows.push(store)
      return store
    }
    return {
      requests: new SharedRateLimitStore(tables.requests, clock, overflow('requests:')),
      logins: new SharedRateLimitStore(tables.logins, clock, overflow('logins:')),
      dependencies: [],
      close: async () => {
        for (const store of overflows) store.close()
      },
    }
  }
  if (config.workers > 1) {
    const requests = new SqliteRateLimitStore(config.dataDir, 'requests:', clock)
    const logins = new SqliteRateLimitStore(config.dataDir, 'logins:', clock)
    return {
      requests,
      logins,
      dependencies: [],
      close: async () => {
        requests.close()
        logins.close()
      },
    }
  }
  return {
    requests: new MemoryRateLimitStore(clock),
    // A flood must never forget a throttle: the sign-in store refuses new keys when full.
    logins: new MemoryRateLimitStore(clock, LOGIN_MAX_KEYS, 'refuse'),
    dependencies: [],
    close: async () => undefined,
  }
}
