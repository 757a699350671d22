import { PerformanceObserver, constants, type PerformanceEntry } from 'node:perf_hooks'
import { describe, expect, it } from 'vitest'
import { settleBeforeTraffic } from './settle-heap.js'

describe('settleBeforeTraffic', () => {
  it('runs a full (mark-compact) garbage collection before the server takes traffic', async () => {
    const kinds: number[] = []
    const observer = new PerformanceObserver((list) => {
      for (const entry of list.getEntries() as (PerformanceEntry & { detail?: { kind?: number } })[]) kinds.push(entry.detail?.kind ?? -1)
    })
    observer.observe({ entryTypes: ['gc'] })
    try {
      await settleBeforeTraffic()
      // GC entries are delivered asynchronously.
      await new Promise((resolve) => setTimeout(resolve, 50))
    } finally {
      observer.disconnect()
    }
    expect(kinds).toContain(constants.NODE_PERFORMANCE_GC_MAJOR)
  })

  it('leaves process.nextTick working, arguments and order included', async () => {
    await settleBeforeTraffic()
    const seen: unknown[] = []
    await new Promise<void>((resolve) => {
      process.nextTick((a: number) => seen.push(a), 1)
      process.nextTick((a: number, b: string) => seen.push([a, b]), 2, 'two')
      process.nextTick(resolve)
    })
    expect(seen).toEqual([1, [2, 'two']])
  })
})
