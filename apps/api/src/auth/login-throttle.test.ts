import { describe, expect, it } from 'vitest'
import { manualClock, type ManualClock } from '../test-support/test-app.js'
import { MemoryRateLimitStore } from '../store/rate-limit-store.js'
import { RetryLaterError } from '../http/retry-later-error.js'
import { throttledSignIn as signIn } from '../test-support/throttled-sign-in.js'
import { LoginThrottle, delayAfterFailures } from './login-throttle.js'

const settings = { failuresPerAccount: 3, failuresPerIp: 10, maxDelayMs: 60_000, failureWindowMs: 3_600_000 }

function throttle(clock: ManualClock = manualClock()) {
  return new LoginThrottle(new MemoryRateLimitStore(clock), clock, settings)
}

describe('delayAfterFailures', () => {
  it('is free for the allowance, then 1 s doubling up to the cap', () => {
    expect([0, 1, 2, 3, 4, 5, 6, 9, 100].map((n) => delayAfterFailures(n, 3, 60_000))).toEqual([
      0, 0, 0, 1000, 2000, 4000, 8000, 60_000, 60_000,
    ])
  })
})

describe('LoginThrottle', () => {
  it('lets the free failures through, then makes each next try wait longer', async () => {
    const clock = manualClock()
    const t = throttle(clock)
    for (let i = 0; i < 3; i++) expect(await signIn(t, '10.0.0.1', 'alice', false)).toBe('failed')
    expect(await signIn(t, '10.0.0.1', 'alice', true)).toBe(1) // even the right password waits
    clock.advance(1000)
    expect(await signIn(t, '10.0.0.1', 'alice', false)).toBe('failed')
    expect(await signIn(t, '10.0.0.1', 'alice', false)).toBe(2)
    clock.advance(1999)
    expect(await signIn(t, '10.0.0.1', 'alice', false)).toBe(1)
    clock.advance(1)
    expect(await signIn(t, '10.0.0.1', 'alice', true)).toBe('ok')
  })

  it('counts per username whatever the address, and a success clears it', async () => {
    const clock = manualClock()
    const t = throttle(clock)
    for (let i = 0; i < 3; i++) await signIn(t, `10.0.0.${i}`, 'alice', false)
    expect(await signIn(t, '10.9.9.9', 'ALICE', false)).toBe(1)
    clock.advance(1000)
    expect(await signIn(t, '10.9.9.9', 'alice', true)).toBe('ok')
    expect(await signIn(t, '10.9.9.9', 'alice', false)).toBe('failed')
  })

  it('counts per address across usernames (credential stuffing), and a success does not clear it', async () => {
    const t = throttle()
    for (let i = 0; i < 9; i++) await signIn(t, '10.0.0.1', `user${i}`, false)
    expect(await signIn(t, '10.0.0.1', 'mallory', true)).toBe('ok')
    expect(await signIn(t, '10.0.0.1', 'user9', false)).toBe('failed')
    expect(await signIn(t, '10.0.0.1', 'someone-else', false)).toBe(1)
    expect(await signIn(t, '10.0.0.2', 'someone-else', false)).toBe('failed')
  })

  it('treats IPv6 addresses of one /64 as one address', async () => {
    const t = throttle()
    for (let i = 0; i < 10; i++) await signIn(t, `2001:db8::${i + 1}`, `user${i}`, false)
    expect(await signIn(t, '2001:db8::ffff', 'another', false)).toBe(1)
  })

  it('answers an unknown username exactly as a known one: the throttle never looks users up', async () => {
    const t = throttle()
    const answers = async (username: string) => {
      const seen = []
      for (let i = 0; i < 5; i++) seen.push(await signIn(t, `10.1.0.${username.length}`, username, false))
      return seen
    }
    expect(await answers('alice')).toEqual(await answers('nobody'))
  })

  it('lets a burst sent at once have no more tries than the free allowance', async () => {
    const t = throttle()
    let checked = 0
    let release: () => void = () => {}
    const gate = new Promise<void>((resolve) => (release = resolve))
    const attempts = Array.from({ length: 20 }, () =>
      t
        .guard('10.0.0.1', 'alice', async () => {
          checked++
          await gate
          return false
        }, (ok) => ok)
        .then(() => 'failed', (error: unknown) => (error instanceof RetryLaterError ? 'throttled' : 'error')),
    )
    await new Promise((resolve) => setTimeout(resolve, 10))
    release()
    const outcomes = await Promise.all(attempts)
    expect(checked).toBe(3)
    expect(outcomes.filter((o) => o === 'failed')).toHaveLength(3)
    expect(outcomes.filter((o) => o === 'throttled')).toHaveLength(17)
  })

  it('does not count a check that threw (a full hash queue) as a failure', async () => {
    const t = throttle()
    for (let i = 0; i < 10; i++) {
      await expect(t.guard('10.0.0.1', 'alice', async () => Promise.reject(new Error('busy')), () => false)).rejects.toThrow('busy')
    }
    expect(await signIn(t, '10.0.0.1', 'alice', false)).toBe('failed')
  })
})

describe('LoginThrottle over a store two processes share', () => {
  it('a burst spread over two throttles (two workers or instances) gets the free tries once, not twice', async () => {
    const clock = manualClock()
    const shared = new MemoryRateLimitStore(clock)
    const [one, two] = [new LoginThrottle(shared, clock, settings), new LoginThrottle(shared, clock, settings)]
    let release = (): void => undefined
    const slowCheck = new Promise<boolean>((resolve) => {
      release = () => resolve(false)
    })
    let checked = 0
    const attempts = Array.from({ length: 10 }, (_, i) =>
      (i % 2 === 0 ? one : two)
        .guard('10.0.0.1', 'alice', async () => {
          checked++
          return slowCheck
        }, (ok) => ok)
        .then(
          () => 'failed',
          (error: unknown) => (error instanceof RetryLaterError ? 'throttled' : 'error'),
        ),
    )
    await new Promise((resolve) => setTimeout(resolve, 20))
    release()
    const outcomes = await Promise.all(attempts)
    expect(checked).toBe(settings.failuresPerAccount)
    expect(outcomes.filter((o) => o === 'failed')).toHaveLength(settings.failuresPerAccount)
    expect(outcomes.filter((o) => o === 'throttled')).toHaveLength(10 - settings.failuresPerAccount)
    // Every reservation was given back: nothing pending is left to throttle the next try.
    expect(await shared.get('pending:login:account:alice')).toBeUndefined()
    expect(await shared.get('pending:login:ip:10.0.0.1')).toBeUndefined()
  })
})
