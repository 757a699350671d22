import { describe, expect, it } from 'vitest'
import { alice } from '../testing/fakes'
import { createSignInPrompt } from './sign-in-prompt'

describe('the sign-in prompt', () => {
  it('opens with a request and resolves with the answer, then closes', async () => {
    const prompt = createSignInPrompt()
    expect(prompt.isOpen).toBe(false)
    const answer = prompt.ask({ reason: 'ended', username: 'alice' })
    expect(prompt.current.value).toEqual({ reason: 'ended', username: 'alice' })
    prompt.answer({ kind: 'signed-in', user: alice })
    await expect(answer).resolves.toEqual({ kind: 'signed-in', user: alice })
    expect(prompt.isOpen).toBe(false)
  })

  it('is one dialog: a second ask joins the open one, and "ended" wins over "ending soon"', async () => {
    const prompt = createSignInPrompt()
    const first = prompt.ask({ reason: 'ending-soon', username: 'alice' })
    const second = prompt.ask({ reason: 'ended', username: 'someone' })
    expect(prompt.current.value).toEqual({ reason: 'ended', username: 'alice' })
    prompt.answer({ kind: 'cancelled' })
    await expect(Promise.all([first, second])).resolves.toEqual([{ kind: 'cancelled' }, { kind: 'cancelled' }])
  })

  it('an answer with nothing open changes nothing', () => {
    const prompt = createSignInPrompt()
    expect(() => prompt.answer({ kind: 'cancelled' })).not.toThrow()
    expect(prompt.isOpen).toBe(false)
  })
})
