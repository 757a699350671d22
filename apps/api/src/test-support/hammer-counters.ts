import { parentPort, workerData } from 'node:worker_threads'
import { SharedRateLimitStore } from '../store/shared-rate-limit-store.js'
import { CounterLockTimeoutError } from '../store/shared-counter-table.js'
import { SqliteRateLimitStore } from '../store/sqlite-rate-limit-store.js'
import type { RateWindow } from '../store/rate-limit-store.js'

/**
 * One thread of the concurrency test: `rounds` hits on each of `keys`, answering every count
 * it saw per key, and how many hits were refused (a bucket lock not free in time: not counted).
 */
export interface HammerOrders {
  readonly module: string
  readonly buffer: SharedArrayBuffer
  readonly overflowDir: string
  readonly keys: readonly string[]
  readonly rounds: number
  readonly window: RateWindow
  /** [threads ready, go]: every thread waits at this gate so that they all hit at once. */
  readonly gate: SharedArrayBuffer
}

export interface HammerAnswer {
  readonly seen: Record<string, number[]>
  readonly refused: number
}

const orders = workerData as HammerOrders
const clock = () => Date.now()
const overflows: SqliteRateLimitStore[] = []
const store = new SharedRateLimitStore(orders.buffer, clock, () => {
  const overflow = new SqliteRateLimitStore(orders.overflowDir, 'hammer:', clock)
  overflows.push(overflow)
  return overflow
})
const seen: Record<string, number[]> = Object.fromEntries(orders.keys.map((key) => [key, []]))
const gate = new Int32Array(orders.gate)
Atomics.add(gate, 0, 1)
Atomics.notify(gate, 0)
Atomics.wait(gate, 1, 0)
let refused = 0
for (let round = 0; round < orders.rounds; round++) {
  for (const key of orders.keys) {
    try {
      seen[key]?.push(store.incrementNow(key, 60_000, orders.window).count)
    } catch (error) {
      if (!(error instanceof CounterLockTimeoutError)) throw error
      refused++
    }
  }
}
for (const overflow of overflows) overflow.close()
const answer: HammerAnswer = { seen, refused }
parentPort?.postMessage(answer)
