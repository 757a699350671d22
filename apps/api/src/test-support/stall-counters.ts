import { parentPort, workerData } from 'node:worker_threads'
import { CounterTable } from '../store/shared-counter-table.js'
import { SharedRateLimitStore, type OverflowStore } from '../store/shared-rate-limit-store.js'

/**
 * One thread of the stall tests, on a shared counter table: `hold-lock` takes the lock of
 * `key`'s bucket and stops for `stallMs` (a thread descheduled or stuck); `slow-overflow`
 * counts `key` through an overflow store that takes `stallMs` to answer (a busy disk).
 * Either sets `gate[0]` when its stall begins.
 */
export interface StallOrders {
  readonly module: string
  readonly buffer: SharedArrayBuffer
  readonly mode: 'hold-lock' | 'slow-overflow'
  readonly key: string
  readonly stallMs: number
  readonly gate: SharedArrayBuffer
}

const orders = workerData as StallOrders
const gate = new Int32Array(orders.gate)
const stall = () => {
  Atomics.store(gate, 0, 1)
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, orders.stallMs)
}

if (orders.mode === 'hold-lock') {
  const table = new CounterTable(orders.buffer)
  const bucket = table.select(orders.key)
  table.lock(bucket)
  stall()
  table.unlock(bucket)
} else {
  const slow: OverflowStore = {
    incrementNow: () => {
      stall()
      return { count: 1, lastHitAt: Date.now(), expiresAt: Date.now() + 60_000 }
    },
    getNow: () => undefined,
    deleteNow: () => undefined,
    decrementNow: () => undefined,
  }
  new SharedRateLimitStore(orders.buffer, () => Date.now(), () => slow).incrementNow(orders.key, 60_000, 'fixed')
}
parentPort?.postMessage('done')
