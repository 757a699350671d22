import { flushPromises, mount, type VueWrapper } from '@vue/test-utils'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createSignInPrompt, type SignInPrompt, type SignInPromptAnswer } from '../../session-lifecycle/sign-in-prompt'
import { createAppStore, storeKey } from '../../store'
import { authOf } from '../../session-lifecycle/auth-access'
import { alice, apiError, bob, deferred, fakeAuthApi, session } from '../../testing/fakes'
import SignInAgainDialog from './SignInAgainDialog.vue'

describe('the sign-in-again dialog', () => {
  let api: ReturnType<typeof fakeAuthApi>
  let prompt: SignInPrompt
  let wrapper: VueWrapper
  let answer: Promise<SignInPromptAnswer>

  beforeEach(async () => {
    api = fakeAuthApi()
    const store = createAppStore(api)
    authOf(store).setSession(session('old'))
    prompt = createSignInPrompt()
    wrapper = mount(SignInAgainDialog, { props: { prompt }, global: { plugins: [[store, storeKey]] }, attachTo: document.body })
    answer = prompt.ask({ reason: 'ended', username: 'alice' })
    await flushPromises()
  })
  afterEach(() => wrapper.unmount())

  const dialog = () => wrapper.get('dialog')

  it('is a labelled, described modal dialog, open only while asked', async () => {
    expect(dialog().attributes('open')).toBeDefined()
    const title = wrapper.get(`#${dialog().attributes('aria-labelledby')}`)
    expect(title.text()).toBe('Your session has ended')
    expect(wrapper.get(`#${dialog().attributes('aria-describedby')}`).text()).toContain('This page stays as it is')
    prompt.answer({ kind: 'cancelled' })
    await flushPromises()
    expect(wrapper.find('dialog').exists()).toBe(false)
  })

  it('prefills the username and starts in the password field', () => {
    expect((wrapper.get('#reauth-username').element as HTMLInputElement).value).toBe('alice')
    expect(document.activeElement).toBe(wrapper.get('#reauth-password').element)
    expect(wrapper.get('#reauth-password').attributes('autocomplete')).toBe('current-password')
  })

  it('Escape cancels', async () => {
    await dialog().trigger('keydown', { key: 'Escape' })
    await expect(answer).resolves.toEqual({ kind: 'cancelled' })
  })

  it('the Cancel button cancels', async () => {
    await wrapper.get('button.btn--ghost').trigger('click')
    await expect(answer).resolves.toEqual({ kind: 'cancelled' })
  })

  it('keeps Tab inside: from the last control to the first, and Shift+Tab back', async () => {
    const controls = [...dialog().element.querySelectorAll<HTMLElement>('input, button')]
    const first = controls[0]
    const last = controls[controls.length - 1]
    last?.focus()
    await dialog().trigger('keydown', { key: 'Tab' })
    expect(document.activeElement).toBe(first)
    await dialog().trigger('keydown', { key: 'Tab', shiftKey: true })
    expect(document.activeElement).toBe(last)
  })

  it('a wrong password says so and stays open, password cleared', async () => {
    api.login.mockRejectedValueOnce(apiError(401, 'invalid_credentials'))
    await wrapper.get('#reauth-password').setValue('wrong')
    await wrapper.get('form').trigger('submit')
    await flushPromises()
    expect(wrapper.get('#reauth-error').text()).toBe('Incorrect username or password.')
    expect((wrapper.get('#reauth-password').element as HTMLInputElement).value).toBe('')
    expect(prompt.isOpen).toBe(true)
  })

  it('signing in answers with who signed in; Escape does nothing while it runs', async () => {
    const pending = deferred<ReturnType<typeof session>>()
    api.login.mockReturnValueOnce(pending.promise)
    await wrapper.get('#reauth-username').setValue('bob')
    await wrapper.get('#reauth-password').setValue('pw')
    await wrapper.get('form').trigger('submit')
    expect(wrapper.get('button[type="submit"]').text()).toContain('Signing in')
    await dialog().trigger('keydown', { key: 'Escape' })
    expect(prompt.isOpen).toBe(true)

    pending.resolve(session('bobs', bob))
    await expect(answer).resolves.toEqual({ kind: 'signed-in', user: bob })
    expect(api.login).toHaveBeenCalledWith({ username: 'bob', password: 'pw' })
  })

  it('going away while open (leaving the dashboard) counts as Cancel, so nothing waits on it', async () => {
    wrapper.unmount()
    await expect(answer).resolves.toEqual({ kind: 'cancelled' })
  })

  it('asking early reads differently and has no warning about losing work', async () => {
    prompt.answer({ kind: 'cancelled' })
    await flushPromises()
    void prompt.ask({ reason: 'ending-soon', username: alice.username })
    await flushPromises()
    expect(wrapper.get('#reauth-title').text()).toBe('Sign in again')
    expect(wrapper.text()).not.toContain('is lost')
  })
})
