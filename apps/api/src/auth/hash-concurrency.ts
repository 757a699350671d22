import { RetryLaterError } from '../http/retry-later-error.js'
import type { PasswordHasher } from './passwords.js'

/** A full queue clears in well under a second at our argon2id cost; come back then. */
const RETRY_AFTER_SECONDS = 1

/**
 * A semaphore with a bounded queue: at most `max` tasks run at once, up to `maxQueued`
 * more wait their turn in order, and past that `run` refuses at once with a 503
 * `RetryLaterError` rather than letting the queue (and every wait in it) grow.
 */
export class HashSlots {
  readonly #max: number
  readonly #maxQueued: number
  readonly #waiting: Array<() => void> = []
  readonly #onWait: (seconds: number) => void
  #running = 0

  /** `onWait` hears how long each task that got a slot waited for it (0: at once). */
  constructor(max: number, maxQueued: number, onWait: (seconds: number) => void = () => {}) {
    this.#max = max
    this.#maxQueued = maxQueued
    this.#onWait = onWait
  }

  /** Tasks running now and waiting now (read by the metrics at scrape time). */
  get load(): { readonly running: number; readonly queued: number } {
    return { running: this.#running, queued: this.#waiting.length }
  }

  async run<T>(task: () => Promise<T>): Promise<T> {
    if (this.#running < this.#max) {
      this.#running++
      this.#onWait(0)
    } else if (this.#waiting.length < this.#maxQueued) {
      const queuedAt = performance.now()
      // The finishing task hands its slot straight to us, so `#running` is already counted.
      await new Promise<void>((resolve) => this.#waiting.push(resolve))
      this.#onWait((performance.now() - queuedAt) / 1000)
    } else {
      throw new RetryLaterError(503, 'service_unavailable', RETRY_AFTER_SECONDS, 'Too many sign-ins are being checked right now. Try again in a moment.')
    }
    try {
      return await task()
    } finally {
      const next = this.#waiting.shift()
      if (next) next()
      else this.#running--
    }
  }
}

/**
 * The hasher with every `hash` and `verify` through `slots`. argon2id takes 19 MiB and a
 * core for ~15 ms; unbounded, a login storm fills libuv's thread pool (which WebCrypto's
 * token checks need too) and every core, and verified requests wait behind it.
 */
export function limitHashConcurrency(hasher: PasswordHasher, slots: HashSlots): PasswordHasher {
  return {
    hash: (password) => slots.run(() => hasher.hash(password)),
    verify: (passwordHash, password) => slots.run(() => hasher.verify(passwordHash, password)),
  }
}
