import type { Redis } from 'ioredis'
import type { Clock } from '../clock.js'
import { DependencyUnavailableError } from '../http/unavailable-error.js'
import type { RateCounter, RateLimitStore, RateWindow } from './rate-limit-store.js'

/**
 * Counts a hit atomically: one script, so two instances hitting the same key at once
 * each see their own count. A hash holds the count and the latest hit; the key's TTL is
 * the window (set on the first hit, or renewed by every hit for a sliding window).
 * KEYS[1] key; ARGV: now (ms), window (ms), 1 when sliding. Returns { count, pttl }.
 */
const INCREMENT_SCRIPT = `
local count = redis.call('HINCRBY', KEYS[1], 'count', 1)
redis.call('HSET', KEYS[1], 'last', ARGV[1])
if count == 1 or ARGV[3] == '1' then
  redis.call('PEXPIRE', KEYS[1], ARGV[2])
end
return { count, redis.call('PTTL', KEYS[1]) }
`

/** Reads a counter and its TTL together. Returns { count, last, pttl } or an empty list. */
const GET_SCRIPT = `
local values = redis.call('HMGET', KEYS[1], 'count', 'last')
if not values[1] then return {} end
return { tonumber(values[1]), tonumber(values[2]), redis.call('PTTL', KEYS[1]) }
`

/** Takes one back; the key goes at zero. KEYS[1] key. */
const DECREMENT_SCRIPT = `
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
if redis.call('HINCRBY', KEYS[1], 'count', -1) <= 0 then redis.call('DEL', KEYS[1]) end
return 1
`

/** The scripts as commands (`defineCommand` sends EVALSHA, the script text only once). */
interface CounterCommands {
  tokenauthIncrement(key: string, now: number, windowMs: number, sliding: 0 | 1): Promise<unknown>
  tokenauthGet(key: string): Promise<unknown>
  tokenauthDecrement(key: string): Promise<unknown>
}

/**
 * Counters in Redis, shared by every instance and worker that names the same Redis.
 * Each store has its own key prefix (the request limit and the sign-in throttle never
 * share a keyspace). Any Redis failure is a 503 (`DependencyUnavailableError`): a limit
 * that cannot be counted is not waived.
 */
export class RedisRateLimitStore implements RateLimitStore {
  readonly #redis: Redis & CounterCommands
  readonly #prefix: string
  readonly #clock: Clock

  constructor(redis: Redis, prefix: string, clock: Clock) {
    if (!('tokenauthIncrement' in redis)) {
      redis.defineCommand('tokenauthIncrement', { numberOfKeys: 1, lua: INCREMENT_SCRIPT })
      redis.defineCommand('tokenauthGet', { numberOfKeys: 1, lua: GET_SCRIPT })
      redis.defineCommand('tokenauthDecrement', { numberOfKeys: 1, lua: DECREMENT_SCRIPT })
    }
    this.#redis = redis as Redis & CounterCommands
    this.#prefix = prefix
    this.#clock = clock
  }

  async increment(key: string, windowMs: number, window: RateWindow): Promise<RateCounter> {
    const now = this.#clock()
    const [count = 0, pttl = 0] = integers(
      await this.#call(() => this.#redis.tokenauthIncrement(this.#prefix + key, now, windowMs, window === 'sliding' ? 1 : 0)),
    )
    return { count, lastHitAt: now, expiresAt: now + Math.max(0, pttl) }
  }

  async get(key: string): Promise<RateCounter | undefined> {
    const answer = integers(await this.#call(() => this.#redis.tokenauthGet(this.#prefix + key)))
    if (answer.length === 0) return undefined
    const [count = 0, lastHitAt = 0, pttl = 0] = answer
    return { count, lastHitAt, expiresAt: this.#clock() + Math.max(0, pttl) }
  }

  async delete(key: string): Promise<void> {
    await this.#call(() => this.#redis.del(this.#prefix + key))
  }

  async decrement(key: string): Promise<void> {
    await this.#call(() => this.#redis.tokenauthDecrement(this.#prefix + key))
  }

  async #call<T>(command: () => Promise<T>): Promise<T> {
    try {
      return await command()
    } catch (error) {
      throw new DependencyUnavailableError('redis', error)
    }
  }
}

/** A script's reply, checked: a list of integers (anything else is a broken Redis, a 503). */
function integers(reply: unknown): number[] {
  if (Array.isArray(reply) && reply.every((item) => Number.isInteger(item))) return reply as number[]
  throw new DependencyUnavailableError('redis', new Error('unexpected reply from a counter script'))
}
