import { flushPromises, mount, type VueWrapper } from '@vue/test-utils'
import { afterEach, describe, expect, it, vi } from 'vitest'
import * as secondFactorsApi from '../../api/second-factors'
import * as ceremony from '../../passkeys/ceremony'
import type { PasskeyAssertion } from '@tokenauth/shared'
import { createStepUpPrompt, type StepUpAnswer, type StepUpPrompt } from '../../session-lifecycle/step-up-prompt'
import { createAppStore, storeKey } from '../../store'
import { authOf } from '../../session-lifecycle/auth-access'
import { alice, apiError, fakeAuthApi, session } from '../../testing/fakes'
import StepUpDialog from './StepUpDialog.vue'

vi.mock('../../api/second-factors', () => ({ getSecondFactors: vi.fn() }))
vi.mock('../../api/auth', () => ({ stepUpPasskeyOptions: vi.fn(async () => ({ challenge: 'c' })) }))
vi.mock('../../passkeys/support', () => ({ passkeyUnavailable: vi.fn(() => null) }))
vi.mock('../../passkeys/ceremony', () => ({ assertWithPasskey: vi.fn(), isCancelled: (error: unknown) => error instanceof Error && error.name === 'NotAllowedError' }))

describe('the step-up dialog', () => {
  let api: ReturnType<typeof fakeAuthApi>
  let auth: ReturnType<typeof authOf>
  let prompt: StepUpPrompt
  let wrapper: VueWrapper
  let answer: Promise<StepUpAnswer>

  async function open(totp: boolean, passkeys = 0): Promise<void> {
    const laptop = { id: 1, name: 'Laptop', createdAt: '2030-01-01T00:00:00.000Z', lastUsedAt: null }
    vi.mocked(secondFactorsApi.getSecondFactors).mockResolvedValue({ totp: { enabled: totp }, passkeys: passkeys ? [laptop] : [], recoveryCodesLeft: totp || passkeys ? 10 : 0 })
    api = fakeAuthApi()
    const store = createAppStore(api)
    auth = authOf(store)
    auth.setSession(session('old'))
    prompt = createStepUpPrompt()
    wrapper = mount(StepUpDialog, { props: { prompt }, global: { plugins: [[store, storeKey]] }, attachTo: document.body })
    answer = prompt.ask({ userId: alice.id })
    await flushPromises()
  }
  afterEach(() => wrapper.unmount())

  it('without a second factor asks for the password; a right one stores the fresh token and answers confirmed', async () => {
    await open(false)
    expect(wrapper.get('dialog').attributes('open')).toBeDefined()
    expect(wrapper.get('#step-up-title').text()).toBe('Confirm it is you')
    expect(document.activeElement).toBe(wrapper.get('#step-up-password').element)
    expect(wrapper.find('[data-testid="step-up-switch"]').exists()).toBe(false)
    api.stepUp.mockRejectedValueOnce(apiError(403, 'invalid_credentials'))
    await wrapper.get('#step-up-password').setValue('wrong')
    await wrapper.get('form').trigger('submit')
    await flushPromises()
    expect(wrapper.get('#step-up-error').text()).toBe('Incorrect username or password.')
    await wrapper.get('#step-up-password').setValue('right')
    await wrapper.get('form').trigger('submit')
    await flushPromises()
    expect(api.stepUp).toHaveBeenLastCalledWith({ password: 'right' })
    expect(await answer).toEqual({ kind: 'confirmed' })
    expect(auth.token).toBe('token-stepped-up')
    expect(wrapper.find('dialog').exists()).toBe(false)
  })

  it('with a passkey offers it first; the browser’s assertion proves it; a closed passkey dialog stays here', async () => {
    await open(true, 1)
    expect(wrapper.get('[data-testid="step-up-passkey"]').text()).toContain('passkey')
    expect(wrapper.findAll('[data-testid="step-up-switch"]').map((b) => b.text())).toEqual(['Use a recovery code', 'Use the authenticator app'])
    vi.mocked(ceremony.assertWithPasskey).mockRejectedValueOnce(Object.assign(new Error('closed'), { name: 'NotAllowedError' }))
    await wrapper.get('form').trigger('submit')
    await flushPromises()
    expect(wrapper.get('#step-up-error').text()).toBe('No passkey was used. Try again, or use another way.')
    expect(api.stepUp).not.toHaveBeenCalled()
    const assertion = { id: 'cred' } as unknown as PasskeyAssertion
    vi.mocked(ceremony.assertWithPasskey).mockResolvedValueOnce(assertion)
    await wrapper.get('form').trigger('submit')
    await flushPromises()
    expect(api.stepUp).toHaveBeenLastCalledWith({ passkey: assertion })
    expect(await answer).toEqual({ kind: 'confirmed' })
  })

  it('with an authenticator app asks for its code first, with "use a recovery code"', async () => {
    await open(true)
    const code = wrapper.get('#step-up-code')
    expect(code.attributes('autocomplete')).toBe('one-time-code')
    expect(wrapper.text()).toContain('Code from the app')
    await code.setValue('123 456')
    await wrapper.get('form').trigger('submit')
    await flushPromises()
    expect(api.stepUp).toHaveBeenLastCalledWith({ totp: '123456' })
    expect(await answer).toEqual({ kind: 'confirmed' })
  })

  it('switches to a recovery code, and checks its shape before sending', async () => {
    await open(true)
    await wrapper.get('[data-testid="step-up-switch"]').trigger('click')
    expect(wrapper.text()).toContain('Recovery code')
    await wrapper.get('#step-up-code').setValue('x')
    await wrapper.get('form').trigger('submit')
    expect(api.stepUp).not.toHaveBeenCalled()
    expect(wrapper.get('#step-up-error').text()).toContain('recovery code')
    await wrapper.get('#step-up-code').setValue('abcd-efgh-2345')
    await wrapper.get('form').trigger('submit')
    await flushPromises()
    expect(api.stepUp).toHaveBeenLastCalledWith({ recoveryCode: 'abcd-efgh-2345' })
  })

  it('Cancel answers cancelled and keeps the token as it was', async () => {
    await open(false)
    await wrapper.findAll('button').find((b) => b.text() === 'Cancel')?.trigger('click')
    expect(await answer).toEqual({ kind: 'cancelled' })
    expect(auth.token).toBe('old')
  })

  it('in Chinese too', async () => {
    const { setLocale } = await import('../../i18n')
    setLocale('zh-CN')
    try {
      await open(false)
      expect(wrapper.get('#step-up-title').text()).toBe('确认是你本人')
    } finally {
      setLocale('en')
    }
  })
})
