import { describe, expect, it } from 'vitest'
import { errorCodeOf, markHandledGlobally } from '../api/errors'
import { apiError } from '../testing/fakes'
import { useBusyAction } from './useBusyAction'

describe('useBusyAction', () => {
  it('shows the success text and is busy only while the action runs', async () => {
    const { busy, message, run } = useBusyAction()
    let finish: (text: string) => void = () => undefined
    const running = run(() => new Promise((resolve) => (finish = resolve)))
    expect(busy.value).toBe(true)
    finish('Saved.')
    await running
    expect(busy.value).toBe(false)
    expect(message.value).toEqual({ kind: 'success', text: 'Saved.' })
  })

  it('ignores a second action while one runs', async () => {
    const { run } = useBusyAction()
    let calls = 0
    const first = run(async () => void calls++)
    await run(async () => void calls++)
    await first
    expect(calls).toBe(1)
  })

  it('shows a failure in words and clears the last message on the next run', async () => {
    const { message, run } = useBusyAction()
    await run(() => Promise.reject(apiError(401, 'invalid_credentials')))
    expect(message.value).toEqual({ kind: 'error', text: 'Incorrect username or password.' })
    await run(async () => undefined)
    expect(message.value).toBeNull()
  })

  it("shows the caller's own words for a failure it knows, even one a toast already told, and the error's words for the rest", async () => {
    const { message, run } = useBusyAction()
    const ownWords = (failure: unknown) => (errorCodeOf(failure) === 'conflict' ? 'Keep one admin.' : undefined)
    const told = apiError(409, 'conflict')
    markHandledGlobally(told)
    await run(() => Promise.reject(told), ownWords)
    expect(message.value).toEqual({ kind: 'error', text: 'Keep one admin.' })
    await run(() => Promise.reject(apiError(401, 'invalid_credentials')), ownWords)
    expect(message.value).toEqual({ kind: 'error', text: 'Incorrect username or password.' })
  })

  it('says nothing for a failure the page showed itself', async () => {
    const { message, run } = useBusyAction()
    await run(() => Promise.reject(apiError(401, 'invalid_credentials')), () => null)
    expect(message.value).toBeNull()
  })
})
