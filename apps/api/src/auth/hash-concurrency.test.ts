import { describe, expect, it } from 'vitest'
import { RetryLaterError } from '../http/retry-later-error.js'
import { HashSlots, limitHashConcurrency } from './hash-concurrency.js'

function deferred() {
  let resolve: () => void = () => {}
  const promise = new Promise<void>((r) => (resolve = r))
  return { promise, resolve }
}

describe('HashSlots', () => {
  /** Starts five gated tasks on `slots` (max 2, queue 2): which started, and each run. */
  async function fill(slots: HashSlots) {
    const started: number[] = []
    const gates = Array.from({ length: 5 }, deferred)
    const runs = gates.map((gate, i) =>
      slots.run(async () => {
        started.push(i)
        await gate.promise
        return i
      }),
    )
    await Promise.resolve()
    expect(started).toEqual([0, 1])
    const refused = await runs[4]?.catch((error: unknown) => error)
    expect(refused).toBeInstanceOf(RetryLaterError)
    expect(refused).toMatchObject({ statusCode: 503, code: 'service_unavailable', retryAfterSeconds: 1 })
    return { started, gates, runs }
  }

  it('runs at most max at once, queues the next ones in order, refuses past the queue', async () => {
    const slots = new HashSlots(2, 2)
    const { started, gates, runs } = await fill(slots)

    gates[1]?.resolve()
    await runs[1]
    await Promise.resolve()
    expect(started).toEqual([0, 1, 2])
    for (const gate of gates) gate.resolve()
    expect(await Promise.all(runs.slice(0, 4))).toEqual([0, 1, 2, 3])
    // Every slot and every queue place is free again: the same five runs go the same way.
    const again = await fill(slots)
    for (const gate of again.gates) gate.resolve()
    expect(await Promise.all(again.runs.slice(0, 4))).toEqual([0, 1, 2, 3])
  })

  it('frees the slot when a task fails', async () => {
    const slots = new HashSlots(1, 0)
    await expect(slots.run(async () => Promise.reject(new Error('boom')))).rejects.toThrow('boom')
    expect(await slots.run(async () => 'next')).toBe('next')
  })
})

describe('limitHashConcurrency', () => {
  it('sends hash and verify through the slots', async () => {
    const slots = new HashSlots(1, 0)
    const gate = deferred()
    const hasher = limitHashConcurrency({ hash: async () => (await gate.promise, 'h'), verify: async () => true }, slots)
    const hashing = hasher.hash('pw')
    await expect(hasher.verify('h', 'pw')).rejects.toBeInstanceOf(RetryLaterError)
    gate.resolve()
    expect(await hashing).toBe('h')
    expect(await hasher.verify('h', 'pw')).toBe(true)
  })
})
