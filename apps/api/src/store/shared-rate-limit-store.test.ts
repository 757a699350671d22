import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { Worker } from 'node:worker_threads'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { manualClock, type ManualClock } from '../test-support/test-app.js'
import type { HammerAnswer, HammerOrders } from '../test-support/hammer-counters.js'
import type { StallOrders } from '../test-support/stall-counters.js'
import { CounterLockTimeoutError, CounterTable, createCounterTable, SLOTS_PER_BUCKET } from './shared-counter-table.js'
import { SharedRateLimitStore } from './shared-rate-limit-store.js'
import { SqliteRateLimitStore } from './sqlite-rate-limit-store.js'
import type { RateWindow } from './rate-limit-store.js'

let dir: string
const opened: SqliteRateLimitStore[] = []
beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'tokenauth-shared-counters-'))
})
afterEach(() => {
  for (const store of opened.splice(0)) store.close()
  rmSync(dir, { recursive: true, force: true })
})

/** A store over `buffer` (a new table by default) whose overflow is a SQLite file in `dir`, and that overflow. */
function storeOver(clock: ManualClock, buffer = createCounterTable({ buckets: 64, keyBytes: 64 })) {
  const overflow = new SqliteRateLimitStore(dir, 'test:', clock)
  opened.push(overflow)
  return { store: new SharedRateLimitStore(buffer, clock, () => overflow), overflow, buffer }
}

describe('SharedRateLimitStore: one thread', () => {
  it('counts in a fixed window from the first hit, and starts again after it', async () => {
    const clock = manualClock()
    const { store } = storeOver(clock)
    const start = clock()
    expect(await store.increment('k', 1000, 'fixed')).toEqual({ count: 1, lastHitAt: start, expiresAt: start + 1000 })
    clock.advance(600)
    expect(store.incrementNow('k', 1000, 'fixed')).toEqual({ count: 2, lastHitAt: start + 600, expiresAt: start + 1000 })
    expect(await store.get('k')).toEqual({ count: 2, lastHitAt: start + 600, expiresAt: start + 1000 })
    clock.advance(400)
    expect(await store.get('k')).toBeUndefined()
    expect(store.incrementNow('k', 1000, 'fixed')).toEqual({ count: 1, lastHitAt: start + 1000, expiresAt: start + 2000 })
  })

  it('keeps a sliding counter alive a window after its latest hit', async () => {
    const clock = manualClock()
    const { store } = storeOver(clock)
    for (let i = 0; i < 5; i++) {
      store.incrementNow('k', 1000, 'sliding')
      clock.advance(900)
    }
    expect((await store.get('k'))?.count).toBe(5)
    clock.advance(100)
    expect(await store.get('k')).toBeUndefined()
  })

  it('keeps keys apart, byte for byte (no shared counter for keys that differ in one character)', async () => {
    const { store } = storeOver(manualClock())
    store.incrementNow('rate::10.0.0.1', 1000, 'fixed')
    store.incrementNow('rate::10.0.0.1', 1000, 'fixed')
    store.incrementNow('rate::10.0.0.2', 1000, 'fixed')
    store.incrementNow('login:account:ÿé', 1000, 'fixed')
    expect((await store.get('rate::10.0.0.1'))?.count).toBe(2)
    expect((await store.get('rate::10.0.0.2'))?.count).toBe(1)
    expect((await store.get('login:account:ÿé'))?.count).toBe(1)
    expect(await store.get('login:account:ÿ')).toBeUndefined()
  })

  it('deletes a key; decrement takes one back, forgets the key at zero, and never creates one', async () => {
    const { store } = storeOver(manualClock())
    store.incrementNow('a', 1000, 'sliding')
    store.incrementNow('a', 1000, 'sliding')
    store.incrementNow('b', 1000, 'sliding')
    await store.decrement('a')
    expect((await store.get('a'))?.count).toBe(1)
    await store.decrement('a')
    expect(await store.get('a')).toBeUndefined()
    await store.decrement('missing')
    expect(await store.get('missing')).toBeUndefined()
    await store.delete('b')
    expect(await store.get('b')).toBeUndefined()
  })

  it('reuses an expired slot: a full bucket whose counters ended takes new keys without overflowing', async () => {
    const clock = manualClock()
    const { store, overflow } = storeOver(clock, createCounterTable({ buckets: 1, keyBytes: 16 }))
    for (let i = 0; i < SLOTS_PER_BUCKET; i++) store.incrementNow(`old-${i}`, 1000, 'fixed')
    clock.advance(1000)
    for (let i = 0; i < SLOTS_PER_BUCKET; i++) expect(store.incrementNow(`new-${i}`, 1000, 'fixed').count).toBe(1)
    for (let i = 0; i < SLOTS_PER_BUCKET; i++) store.incrementNow(`new-${i}`, 1000, 'fixed')
    for (let i = 0; i < SLOTS_PER_BUCKET; i++) expect((await store.get(`new-${i}`))?.count).toBe(2)
    expect(overflow.getNow('new-0')).toBeUndefined()
  })

  it('a bucket full of live counters: new keys are counted exactly in the overflow store, nothing evicted, nothing uncounted', async () => {
    const clock = manualClock()
    const { store, overflow } = storeOver(clock, createCounterTable({ buckets: 1, keyBytes: 16 }))
    const keys = Array.from({ length: SLOTS_PER_BUCKET * 3 }, (_, i) => `ip-${i}`)
    for (let round = 1; round <= 3; round++) {
      for (const key of keys) expect(store.incrementNow(key, 10_000, 'fixed').count).toBe(round)
    }
    // The first 8 stayed in the table (never evicted), the rest went to the overflow store.
    expect(overflow.getNow('ip-0')).toBeUndefined()
    expect(overflow.getNow(`ip-${SLOTS_PER_BUCKET}`)?.count).toBe(3)
    for (const key of keys) expect((await store.get(key))?.count).toBe(3)
    // A key counted in the overflow store keeps counting there even once the table has room.
    await store.delete('ip-0')
    expect(store.incrementNow(`ip-${SLOTS_PER_BUCKET}`, 10_000, 'fixed').count).toBe(4)
    await store.decrement(`ip-${SLOTS_PER_BUCKET}`)
    expect((await store.get(`ip-${SLOTS_PER_BUCKET}`))?.count).toBe(3)
    await store.delete(`ip-${SLOTS_PER_BUCKET}`)
    expect(await store.get(`ip-${SLOTS_PER_BUCKET}`)).toBeUndefined()
    // Its counter gone, the key starts again from 1, in the overflow store while the bucket
    // is marked (until every counter sent there may have ended), though the table has room.
    expect(store.incrementNow(`ip-${SLOTS_PER_BUCKET}`, 10_000, 'fixed').count).toBe(1)
    expect(overflow.getNow(`ip-${SLOTS_PER_BUCKET}`)?.count).toBe(1)
    // Once the mark has passed, the table takes new keys again.
    clock.advance(10_000 + 10_000 + 1)
    expect(store.incrementNow('ip-new', 10_000, 'fixed').count).toBe(1)
    expect(overflow.getNow('ip-new')).toBeUndefined()
  })

  it('a key longer than a slot holds is counted exactly in the overflow store', async () => {
    const clock = manualClock()
    const { store, overflow } = storeOver(clock, createCounterTable({ buckets: 4, keyBytes: 16 }))
    const long = `login:account:${'é'.repeat(20)}`
    expect(store.incrementNow(long, 1000, 'sliding').count).toBe(1)
    expect(store.incrementNow(long, 1000, 'sliding').count).toBe(2)
    expect(overflow.getNow(long)?.count).toBe(2)
    await store.decrement(long)
    expect((await store.get(long))?.count).toBe(1)
    await store.delete(long)
    expect(await store.get(long)).toBeUndefined()
  })

  it('refuses a table that is not a power of two of buckets, and a buffer that is not a table', () => {
    expect(() => createCounterTable({ buckets: 3, keyBytes: 16 })).toThrow(/power of two/)
    expect(() => new SharedRateLimitStore(new SharedArrayBuffer(64), manualClock(), () => storeOver(manualClock()).overflow)).toThrow(/not a counter table/)
  })
})

/** Runs `threads` worker threads hammering `keys` on one table; answers each thread's counts per key and refusals. */
async function hammer(buffer: SharedArrayBuffer, threads: number, keys: string[], rounds: number, window: RateWindow): Promise<HammerAnswer[]> {
  const module = path.join(import.meta.dirname, '../test-support/hammer-counters.ts')
  const gate = new Int32Array(new SharedArrayBuffer(8))
  const orders: HammerOrders = { module, buffer, overflowDir: dir, keys, rounds, window, gate: gate.buffer as SharedArrayBuffer }
  const answers = Promise.all(
    Array.from({ length: threads }, () => {
      const worker = new Worker(new URL('../test-support/ts-worker.mjs', import.meta.url), { workerData: orders })
      return new Promise<HammerAnswer>((resolve, reject) => {
        worker.once('message', resolve)
        worker.once('error', reject)
        worker.once('exit', (code) => reject(new Error(`worker exited with ${code} before answering`)))
      })
    }),
  )
  // Open the gate once every thread has loaded and waits at it: they all start hitting together.
  while (Atomics.load(gate, 0) < threads) await new Promise((resolve) => setTimeout(resolve, 10))
  Atomics.store(gate, 1, 1)
  Atomics.notify(gate, 1)
  return answers
}

/**
 * Every count from 1 to the number of hits counted seen exactly once, whichever thread saw
 * it: no hit lost, none counted twice. A hit refused (a lock not free within LOCK_WAIT_MS,
 * its holder off the CPU: a 503) is not counted; such refusals stay rare.
 */
function expectExact(results: HammerAnswer[], keys: string[], hitsPerKey: number): number {
  const refused = results.reduce((sum, answer) => sum + answer.refused, 0)
  expect(refused).toBeLessThan((hitsPerKey * keys.length) / 100)
  const counted = keys.map((key) => results.flatMap(({ seen }) => seen[key] ?? []).sort((a, b) => a - b))
  expect(counted.reduce((sum, counts) => sum + counts.length, 0)).toBe(hitsPerKey * keys.length - refused)
  for (const counts of counted) expect(counts).toEqual(Array.from({ length: counts.length }, (_, i) => i + 1))
  return refused
}

describe('SharedRateLimitStore: real worker threads on one table', () => {
  it('4 threads hammering one key: the total is the sum of their hits, every count seen once', async () => {
    const buffer = createCounterTable({ buckets: 64, keyBytes: 64 })
    const results = await hammer(buffer, 4, ['rate::127.0.0.1'], 50_000, 'fixed')
    const refused = expectExact(results, ['rate::127.0.0.1'], 200_000)
    const { store } = storeOver(manualClock(Date.now()), buffer)
    expect((await store.get('rate::127.0.0.1'))?.count).toBe(200_000 - refused)
  }, 60_000)

  it('4 threads on a sliding window and on a full table (most keys in the overflow store): still exact per key', async () => {
    const buffer = createCounterTable({ buckets: 1, keyBytes: 32 })
    const keys = Array.from({ length: 20 }, (_, i) => `login:ip:10.0.0.${i}`)
    const results = await hammer(buffer, 4, keys, 150, 'sliding')
    expectExact(results, keys, 600)
  }, 60_000)
})

/** Starts a thread that stalls as `mode` says on `key`; resolves once its stall has begun, with the thread's end. */
async function stallingThread(buffer: SharedArrayBuffer, mode: StallOrders['mode'], key: string, stallMs: number): Promise<{ ended: Promise<unknown> }> {
  const gate = new Int32Array(new SharedArrayBuffer(4))
  const orders: StallOrders = { module: path.join(import.meta.dirname, '../test-support/stall-counters.ts'), buffer, mode, key, stallMs, gate: gate.buffer as SharedArrayBuffer }
  const worker = new Worker(new URL('../test-support/ts-worker.mjs', import.meta.url), { workerData: orders })
  const ended = new Promise((resolve, reject) => {
    worker.once('message', resolve)
    worker.once('error', reject)
  })
  while (Atomics.load(gate, 0) === 0) await Promise.race([ended, new Promise((resolve) => setTimeout(resolve, 5))])
  return { ended }
}

/** Runs `work` and answers how long it took, in milliseconds. */
function timed(work: () => void): number {
  const started = performance.now()
  work()
  return performance.now() - started
}

describe('SharedRateLimitStore: one stalled thread does not stall the others', () => {
  it('a thread waiting on the overflow store holds no lock: the others count keys of the same bucket within 50 ms', async () => {
    const buffer = createCounterTable({ buckets: 1, keyBytes: 32 })
    const { store } = storeOver(manualClock(Date.now()), buffer)
    for (let i = 0; i < SLOTS_PER_BUCKET; i++) store.incrementNow(`key-${i}`, 60_000, 'fixed')
    // The bucket is full: this thread's new key goes to an overflow store that takes a second.
    const stalled = await stallingThread(buffer, 'slow-overflow', 'one-more', 1000)
    let counter
    expect(timed(() => (counter = store.incrementNow('key-0', 60_000, 'fixed')))).toBeLessThan(50)
    expect(counter).toMatchObject({ count: 2 })
    await stalled.ended
  }, 30_000)

  it('a thread stopped while holding a bucket lock: other buckets answer at once, its own bucket a 503 within 50 ms', async () => {
    const buffer = createCounterTable({ buckets: 64, keyBytes: 64 })
    const { store } = storeOver(manualClock(Date.now()), buffer)
    const view = new CounterTable(buffer)
    const held = 'rate::10.0.0.1'
    const other = Array.from({ length: 100 }, (_, i) => `rate::10.0.1.${i}`).find((key) => view.select(key) !== view.select(held)) ?? ''
    const stalled = await stallingThread(buffer, 'hold-lock', held, 1000)
    expect(timed(() => store.incrementNow(other, 60_000, 'fixed'))).toBeLessThan(50)
    let refused: unknown
    const waited = timed(() => {
      try {
        store.incrementNow(held, 60_000, 'fixed')
      } catch (error) {
        refused = error
      }
    })
    expect(refused).toBeInstanceOf(CounterLockTimeoutError)
    expect(refused).toMatchObject({ statusCode: 503 })
    expect(waited).toBeLessThan(50)
    await stalled.ended
    // Once the holder lets go, the key counts again, from the hit it was refused (not counted).
    expect(store.incrementNow(held, 60_000, 'fixed').count).toBe(1)
  }, 30_000)
})
