import { describe, expect, it } from 'vitest'
import { manualClock } from '../test-support/test-app.js'
import { MemoryRateLimitStore } from '../store/rate-limit-store.js'
import { throttledSignIn as signIn } from '../test-support/throttled-sign-in.js'
import { LoginThrottle } from './login-throttle.js'

const settings = { failuresPerAccount: 3, failuresPerIp: 10, maxDelayMs: 60_000, failureWindowMs: 3_600_000 }
const MAX_KEYS = 500

describe('LoginThrottle on a bounded memory store (the single-process default)', () => {
  it('a flood of failures under other names and addresses never gives a throttled account its tries back', async () => {
    const clock = manualClock()
    const store = new MemoryRateLimitStore(clock, MAX_KEYS, 'refuse')
    const t = new LoginThrottle(store, clock, settings)
    for (let i = 0; i < 3; i++) expect(await signIn(t, '10.0.0.1', 'alice', false)).toBe('failed')
    expect(await signIn(t, '10.0.0.2', 'alice', true)).toBeTypeOf('number')

    // Four times the bound in failed sign-ins, ten names per address.
    const answers: (string | number)[] = []
    for (let i = 0; i < 4 * MAX_KEYS; i++) answers.push(await signIn(t, `10.${1 + Math.floor(i / 2550)}.${Math.floor(i / 10) % 255}.${i % 10}`, `flood-${i}`, false))
    expect(answers.filter((a) => a === 'failed').length).toBeGreaterThan(MAX_KEYS / 3)
    // At the bound the flood itself waits (fails closed) rather than push a counter out.
    expect(answers.at(-1)).toBeTypeOf('number')
    expect(store.size).toBeLessThanOrEqual(MAX_KEYS + 2)

    clock.advance(2000)
    expect(await signIn(t, '10.0.0.3', 'alice', true)).toBeTypeOf('number')
    expect(await signIn(t, '10.0.0.3', 'alice', false)).toBeTypeOf('number')

    // Once the window has passed every counter has expired, the flood's and alice's alike: room again.
    clock.advance(settings.failureWindowMs)
    expect(await signIn(t, '10.0.0.4', 'someone-new', false)).toBe('failed')
    expect(await signIn(t, '10.0.0.4', 'alice', true)).toBe('ok')
  })
})
