import { randomBytes } from 'node:crypto'
import { Redis } from 'ioredis'
import { createRedisClient } from '../deps/redis-client.js'
import { DependencyUnavailableError } from '../http/unavailable-error.js'
import type { InvalidationTarget, LiveSessionCache } from './live-session-cache.js'

/**
 * How long an instance may answer from its cache after its last confirmed renewal. A
 * write that ends a session waits at most this long for an instance that does not
 * acknowledge (stopped, cut off, crashed).
 */
export const LEASE_MS = 2000
/** Renewals this often: three may fail (one command timeout each) before the lease runs out. */
const RENEW_EVERY_MS = 400
/** Taken off the lease on this side, for the time between sending a renewal and Redis running it (clock rates differ a little). */
const LEASE_MARGIN_MS = 50
/** While waiting for acknowledgements, the leases and the acknowledgement set are read again this often. */
const RECHECK_MS = 100
/** A write that cannot be confirmed by then is answered 503 (the instances that did not answer have had 2 leases). */
const CONFIRM_TIMEOUT_MS = 3 * LEASE_MS

const PREFIX = 'tokenauth:sessions:'
/** A sorted set: member `<instance>.<epoch>`, score the lease's end in Redis's clock (ms). */
const LEASES_KEY = `${PREFIX}leases`
const INVALIDATE_CHANNEL = `${PREFIX}invalidate`
const ackChannel = (instance: string): string => `${PREFIX}acked:${instance}`
const ackKey = (message: string): string => `${PREFIX}acks:${message}`

// Redis's own clock in ms, so that leases compare on one clock whatever the machines' clocks say.
const NOW = `local t = redis.call('TIME') local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)`

/** KEYS[1] leases; ARGV[1] member, ARGV[2] lease ms, ARGV[3…] members this instance had before (given up). */
const RENEW_SCRIPT = `${NOW}
for i = 3, #ARGV do redis.call('ZREM', KEYS[1], ARGV[i]) end
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - 60000)
redis.call('ZADD', KEYS[1], now + tonumber(ARGV[2]), ARGV[1])
redis.call('PEXPIRE', KEYS[1], 120000)
return now`

/** KEYS[1] leases; ARGV[1] channel, ARGV[2] message. The leases live after the message went out: those who may hold it. */
const PUBLISH_SCRIPT = `${NOW}
redis.call('PUBLISH', ARGV[1], ARGV[2])
return redis.call('ZRANGEBYSCORE', KEYS[1], '(' .. now, '+inf')`

/** KEYS[1] leases, KEYS[2] acknowledgements; ARGV members: those still live and not acknowledged. */
const PENDING_SCRIPT = `${NOW}
local out = {}
for i = 1, #ARGV do
  local score = redis.call('ZSCORE', KEYS[1], ARGV[i])
  if score and tonumber(score) > now then
    local instance = string.match(ARGV[i], '^([^.]+)')
    if redis.call('SISMEMBER', KEYS[2], instance) == 0 then out[#out + 1] = ARGV[i] end
  end
end
return out`

/** KEYS[1] acknowledgements; ARGV[1] the writer's channel, ARGV[2] this instance, ARGV[3] the message id. */
const ACK_SCRIPT = `redis.call('SADD', KEYS[1], ARGV[2])
redis.call('PEXPIRE', KEYS[1], 30000)
redis.call('PUBLISH', ARGV[1], ARGV[3] .. ' ' .. ARGV[2])
return 1`

/** The one call every session-ending or narrowing write makes after it commits, before it answers. */
export interface SessionInvalidation {
  /**
   * Drops `target` from this instance's cache and resolves once every other instance that
   * may hold it has dropped it too, or can no longer use its cache (its lease ran out).
   * Rejects with a 503 (`redis`) when that cannot be confirmed.
   */
  invalidate(target: InvalidationTarget): Promise<void>
  close(): Promise<void>
}

/** Where no instance caches sessions (SQLite, or PostgreSQL without Redis): every request reads the database. */
export const NO_CACHE: SessionInvalidation = {
  invalidate: async () => {},
  close: async () => {},
}

export interface InvalidationBusOptions {
  readonly leaseMs?: number
  /** Runs after a message is applied and before it is acknowledged (tests delay or observe here). */
  readonly beforeAck?: (target: InvalidationTarget) => void | Promise<void>
}

interface Message {
  readonly id: string
  readonly from: string
  readonly target: InvalidationTarget
}

/**
 * Chubby's rule (Burrows, OSDI 2006, §2.5) on Redis: each instance holds a lease in one
 * sorted set and renews it only while its subscription answers; a writer publishes the
 * invalidation, reads who held a lease after it went out, and waits until each has
 * acknowledged (a set per message, plus a message on the writer's own channel) or has
 * lost its lease.
 */
export class RedisSessionInvalidation implements SessionInvalidation {
  readonly instance = randomBytes(9).toString('hex')
  readonly #cache: LiveSessionCache
  readonly #commands: Redis
  readonly #subscriber: Redis
  readonly #leaseMs: number
  readonly #beforeAck: InvalidationBusOptions['beforeAck']
  readonly #timer: NodeJS.Timeout
  readonly #waiters = new Map<string, (instance: string) => void>()
  #subscribed = false
  #epoch = 0
  #member: string | undefined
  /** Members of earlier epochs, removed from the set at the next renewal (so no writer waits for them). */
  readonly #givenUp = new Set<string>()
  #renewing = false
  #closed = false

  private constructor(url: string, cache: LiveSessionCache, options: InvalidationBusOptions) {
    this.#cache = cache
    this.#leaseMs = options.leaseMs ?? LEASE_MS
    this.#beforeAck = options.beforeAck
    this.#commands = createRedisClient(url)
    this.#subscriber = new Redis(url, {
      enableOfflineQueue: false,
      commandTimeout: 1000,
      connectTimeout: 1000,
      maxRetriesPerRequest: 0,
      retryStrategy: (attempt) => Math.min(50 * attempt, 1000),
      // Resubscribed by hand on 'ready': the lease waits for the subscription's answer.
      autoResubscribe: false,
      connectionName: `tokenauth-invalidations-${this.instance}`,
    })
    this.#subscriber.on('error', () => undefined)
    this.#subscriber.on('close', () => this.#lapse())
    this.#subscriber.on('ready', () => void this.#subscribe())
    this.#subscriber.on('message', (channel: string, text: string) => this.#onMessage(channel, text))
    this.#timer = setInterval(() => void this.#renew(), Math.min(RENEW_EVERY_MS, this.#leaseMs / 4))
    this.#timer.unref()
  }

  /** Connects and takes a first lease, waiting up to `ms` (a server starting while Redis is down still starts, reading per request). */
  static async start(url: string, cache: LiveSessionCache, options: InvalidationBusOptions = {}, ms = 2000): Promise<RedisSessionInvalidation> {
    const bus = new RedisSessionInvalidation(url, cache, options)
    const deadline = performance.now() + ms
    while (!cache.usable && performance.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20))
    return bus
  }

  /** The member this instance's lease is held under now, if any (for tests and logs). */
  get member(): string | undefined {
    return this.#member
  }

  /** The subscriber's connection name, which `CLIENT LIST` shows (tests kill it by that). */
  get connectionName(): string {
    return `tokenauth-invalidations-${this.instance}`
  }

  async #subscribe(): Promise<void> {
    try {
      await this.#subscriber.subscribe(INVALIDATE_CHANNEL, ackChannel(this.instance))
      this.#subscribed = true
      await this.#renew()
    } catch {
      // Not subscribed: no lease. Reconnecting starts over.
      this.#subscriber.disconnect(true)
    }
  }

  /** Whatever was cached may have missed a message: empty it, and hold the next lease under a new member. */
  #lapse(): void {
    this.#subscribed = false
    this.#cache.lapse()
    if (this.#member !== undefined) this.#givenUp.add(this.#member)
    this.#member = undefined
    this.#epoch++
  }

  async #renew(): Promise<void> {
    if (!this.#subscribed || this.#renewing || this.#closed) return
    this.#renewing = true
    const epoch = this.#epoch
    const member = this.#member ?? `${this.instance}.${epoch}`
    const givenUp = [...this.#givenUp]
    const sent = performance.now()
    try {
      // The pong comes after every message published before Redis read the ping, so once
      // it is here each of those has been applied; the lease counts from before both went out.
      await Promise.all([
        this.#subscriber.ping(),
        this.#commands.eval(RENEW_SCRIPT, 1, LEASES_KEY, member, String(this.#leaseMs), ...givenUp),
      ])
      if (epoch !== this.#epoch || !this.#subscribed || this.#closed) return
      this.#member = member
      for (const old of givenUp) this.#givenUp.delete(old)
      this.#cache.extendLease(sent + this.#leaseMs - LEASE_MARGIN_MS)
    } catch {
      // A ping that times out means the subscription may be silently gone: start it over.
      if (epoch === this.#epoch && this.#subscriber.status === 'ready' && !(await this.#pingOk())) this.#subscriber.disconnect(true)
    } finally {
      this.#renewing = false
    }
  }

  async #pingOk(): Promise<boolean> {
    try {
      await this.#subscriber.ping()
      return true
    } catch {
      return false
    }
  }

  #onMessage(channel: string, text: string): void {
    if (channel === INVALIDATE_CHANNEL) {
      const message = parseMessage(text)
      if (!message || message.from === this.instance) return
      this.#cache.drop(message.target)
      void this.#acknowledge(message)
      return
    }
    const [id, instance] = text.split(' ')
    if (id !== undefined && instance !== undefined) this.#waiters.get(id)?.(instance)
  }

  async #acknowledge(message: Message): Promise<void> {
    await this.#beforeAck?.(message.target)
    for (let attempt = 0; attempt < 3; attempt++) {
      try {
        await this.#commands.eval(ACK_SCRIPT, 1, ackKey(message.id), ackChannel(message.from), this.instance, message.id)
        return
      } catch {
        // The writer reads the set again, or stops waiting when this lease runs out.
        await new Promise((resolve) => setTimeout(resolve, 50))
      }
    }
  }

  async invalidate(target: InvalidationTarget): Promise<void> {
    this.#cache.drop(target)
    const id = randomBytes(12).toString('base64url')
    const deadline = performance.now() + CONFIRM_TIMEOUT_MS
    const pending = new Set<string>()
    // An acknowledgement may come before the list of leases does.
    const acked = new Set<string>()
    let wake: (() => void) | undefined
    this.#waiters.set(id, (instance) => {
      acked.add(instance)
      for (const member of pending) if (member.startsWith(`${instance}.`)) pending.delete(member)
      if (pending.size === 0) wake?.()
    })
    try {
      const payload = JSON.stringify({ id, from: this.instance, target } satisfies Message)
      let live: string[] | undefined
      while (live === undefined) {
        try {
          live = stringList(await this.#commands.eval(PUBLISH_SCRIPT, 1, LEASES_KEY, INVALIDATE_CHANNEL, payload))
        } catch (error) {
          if (performance.now() + 100 > deadline) throw new DependencyUnavailableError('redis', error)
          await new Promise((resolve) => setTimeout(resolve, 100))
        }
      }
      for (const member of live) {
        const instance = member.slice(0, member.indexOf('.'))
        if (instance !== this.instance && !acked.has(instance)) pending.add(member)
      }
      while (pending.size > 0) {
        if (performance.now() > deadline) throw new DependencyUnavailableError('redis', new Error(`not acknowledged: ${[...pending].join(', ')}`))
        await new Promise<void>((resolve) => {
          wake = resolve
          setTimeout(resolve, RECHECK_MS)
        })
        if (pending.size === 0) break
        try {
          const still = new Set(stringList(await this.#commands.eval(PENDING_SCRIPT, 2, LEASES_KEY, ackKey(id), ...pending)))
          for (const member of pending) if (!still.has(member)) pending.delete(member)
        } catch {
          // Try again at the next round, until the deadline.
        }
      }
    } finally {
      this.#waiters.delete(id)
    }
  }

  async close(): Promise<void> {
    this.#closed = true
    clearInterval(this.#timer)
    this.#cache.lapse()
    const member = this.#member
    this.#member = undefined
    // Leaving: no writer waits for this instance's lease to run out.
    if (member !== undefined) await this.#commands.zrem(LEASES_KEY, member).catch(() => undefined)
    this.#subscriber.disconnect()
    this.#commands.disconnect()
  }
}

function stringList(value: unknown): string[] {
  if (!Array.isArray(value)) throw new Error('unexpected reply from Redis')
  return value.map((item) => String(item))
}

function parseMessage(text: string): Message | undefined {
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch {
    return undefined
  }
  if (typeof value !== 'object' || value === null) return undefined
  const { id, from, target } = value as Record<string, unknown>
  if (typeof id !== 'string' || typeof from !== 'string' || typeof target !== 'object' || target === null) return undefined
  const { handles, userIds } = target as Record<string, unknown>
  return {
    id,
    from,
    target: {
      handles: Array.isArray(handles) ? handles.filter((h): h is string => typeof h === 'string') : [],
      userIds: Array.isArray(userIds) ? userIds.filter((u): u is number => typeof u === 'number') : [],
    },
  }
}
