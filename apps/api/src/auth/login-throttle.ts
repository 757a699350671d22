import type { Clock } from '../clock.js'
import { clientAddress } from '../http/client-address.js'
import { RetryLaterError } from '../http/retry-later-error.js'
import { durationWords } from '../http/duration-words.js'
import { RateLimitStoreFullError, type RateCounter, type RateLimitStore } from '../store/rate-limit-store.js'
import { REFUSED_NAME_KEY, usernameKey } from './username-key.js'

/** What the throttle is allowed; see the `LOGIN_*` variables in docs/configuration.md. */
export interface LoginThrottleSettings {
  readonly failuresPerAccount: number
  readonly failuresPerIp: number
  readonly maxDelayMs: number
  readonly failureWindowMs: number
}

/** How a sign-in that was let through ended. `abandoned`: it never got to a verdict (503). */
export type LoginOutcome = 'success' | 'failure' | 'abandoned'

/** Whether a sign-in may be checked now; if so, report how it ended with `finish` (once). */
export type LoginAttempt =
  | { readonly allowed: true; finish(outcome: LoginOutcome): Promise<void> }
  | { readonly allowed: false; readonly retryAfterSeconds: number }

const FIRST_DELAY_MS = 1000
/**
 * A reservation of a process that died mid-check is forgotten after this long without
 * another sign-in on its key (far longer than a check: argon2 plus the hash queue).
 */
const PENDING_WINDOW_MS = 60_000

const pendingKey = (key: string): string => `pending:${key}`

/**
 * The wait after `failures` failed sign-ins when the first `free` cost nothing:
 * 1 s after the `free`-th, then doubling (2 s, 4 s, …) up to `maxDelayMs`.
 */
export function delayAfterFailures(failures: number, free: number, maxDelayMs: number): number {
  if (failures < free) return 0
  return Math.min(maxDelayMs, FIRST_DELAY_MS * 2 ** Math.min(failures - free, 40))
}

/**
 * Growing delays for failed sign-ins, per username and per IP. A username counts whether
 * or not it exists, so a throttled answer never tells the two apart. While a key is
 * throttled nothing is checked, not even a right password: otherwise the throttle would
 * be an oracle. A success clears the username's failures (not the IP's: an attacker
 * could reset their own address with an account of their own).
 */
export class LoginThrottle {
  readonly #store: RateLimitStore
  readonly #clock: Clock
  readonly #settings: LoginThrottleSettings

  constructor(store: RateLimitStore, clock: Clock, settings: LoginThrottleSettings) {
    this.#store = store
    this.#clock = clock
    this.#settings = settings
  }

  /**
   * Runs `check` (the password verification) unless `username` or `ip` must wait, in
   * which case it throws a 429 `RetryLaterError` and checks nothing. `succeeded` tells
   * from `check`'s answer whether the sign-in succeeded; a `check` that throws (a full
   * hash queue) counts as neither, and so does an answer `succeeded` calls `undecided`
   * (a right password that still needs its second factor: it must not clear the failures
   * of wrong codes, or each new sign-in would give a fresh set of guesses).
   */
  async guard<T>(ip: string, username: string, check: () => Promise<T>, succeeded: (answer: T) => boolean | 'undecided'): Promise<T> {
    const attempt = await this.begin(ip, username)
    if (!attempt.allowed) {
      const wait = attempt.retryAfterSeconds
      throw new RetryLaterError(429, 'rate_limited', wait, `Too many failed sign-ins. Try again in ${durationWords(wait)}.`)
    }
    try {
      const answer = await check()
      const verdict = succeeded(answer)
      await attempt.finish(verdict === 'undecided' ? 'abandoned' : verdict ? 'success' : 'failure')
      return answer
    } finally {
      await attempt.finish('abandoned')
    }
  }

  /**
   * Whether a sign-in may be checked now; if so, it is counted as pending until `finish`.
   * Sign-ins let through and not yet finished count as failures until they finish, so a
   * burst sent at once gets no more tries than the free allowance. The pending count is a
   * counter in the store too (`pending:login:…`): with several workers or instances on a
   * shared store, a burst spread over them is counted as one.
   */
  async begin(ip: string, username: string): Promise<LoginAttempt> {
    const keys = [
      // Keyed by exactly what the user lookup matches, so no spelling has a counter of its own.
      { key: `login:account:${usernameKey(username) ?? REFUSED_NAME_KEY}`, free: this.#settings.failuresPerAccount },
      { key: `login:ip:${clientAddress(ip)}`, free: this.#settings.failuresPerIp },
    ]
    // Reserve first, then read the failures: an attempt that finished before this
    // reservation has already added its failure (finish counts it before releasing), and
    // one that has not is in the pending count. The increment is atomic, so of two
    // concurrent attempts the later one sees the earlier one.
    const reserved: string[] = []
    let allowed = false
    try {
      let pending: number[]
      try {
        pending = await Promise.all(
          keys.map(async ({ key }) => {
            const counter = await this.#store.increment(pendingKey(key), PENDING_WINDOW_MS, 'sliding')
            reserved.push(key)
            return counter.count - 1
          }),
        )
      } catch (error) {
        // A store full of live failure counters (a flood) refuses new keys rather than
        // forget a throttle: the sign-in waits, as if throttled, until counters expire.
        if (error instanceof RateLimitStoreFullError) return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil(error.retryAfterMs / 1000)) }
        throw error
      }
      const counters = await Promise.all(keys.map(({ key }) => this.#store.get(key)))
      const now = this.#clock()
      const waitMs = Math.max(...keys.map(({ free }, i) => this.#waitMs(counters[i], pending[i] ?? 0, free, now)))
      if (waitMs > 0) return { allowed: false, retryAfterSeconds: Math.ceil(waitMs / 1000) }
      allowed = true
    } finally {
      if (!allowed) await this.#release(reserved)
    }

    let finished = false
    return {
      allowed: true,
      finish: async (outcome) => {
        if (finished) return
        finished = true
        const [account, address] = keys.map(({ key }) => key) as [string, string]
        try {
          if (outcome === 'failure') {
            const windowMs = this.#settings.failureWindowMs
            // Let through while it held its reservations: its failure is counted even in a full store.
            const mustCount = { mustCount: true }
            await Promise.all([this.#store.increment(account, windowMs, 'sliding', mustCount), this.#store.increment(address, windowMs, 'sliding', mustCount)])
          } else if (outcome === 'success') {
            await this.#store.delete(account)
          }
        } finally {
          await this.#release(keys.map(({ key }) => key))
        }
      },
    }
  }

  async #release(keys: readonly string[]): Promise<void> {
    await Promise.all(keys.map((key) => this.#store.decrement(pendingKey(key))))
  }

  #waitMs(counter: RateCounter | undefined, pending: number, free: number, now: number): number {
    const failures = counter?.count ?? 0
    const { maxDelayMs } = this.#settings
    const sinceLast = counter ? counter.lastHitAt + delayAfterFailures(failures, free, maxDelayMs) - now : 0
    if (sinceLast > 0) return sinceLast
    // Unfinished sign-ins might all fail: once they could use up the free tries, wait.
    if (pending > 0 && failures + pending >= free) return delayAfterFailures(failures + pending, free, maxDelayMs)
    return 0
  }
}
