import { flushPromises, mount, type VueWrapper } from '@vue/test-utils'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { AxiosHeaders } from 'axios'
import { createMemoryHistory, type Router } from 'vue-router'
import type { SecondFactorRequired } from '@tokenauth/shared'
import { createAppRouter } from '../router'
import { stubbedRoutes } from '../testing/routes'
import { createAppStore, storeKey } from '../store'
import { apiError, fakeAuthApi, session } from '../testing/fakes'
import LoginView from './LoginView.vue'

vi.mock('../api/setup', () => ({ getSetupStatus: vi.fn(async () => ({ required: false })) }))
vi.mock('../api/auth', () => ({ getLoginOptions: vi.fn(async () => ({ rememberMeSeconds: 0 })) }))

const challenge: SecondFactorRequired = {
  mfaRequired: true,
  challenge: 'challenge-1',
  methods: ['totp', 'recovery_code'],
  expiresAt: '2030-01-01T00:05:00.000Z',
}

let api: ReturnType<typeof fakeAuthApi>
let router: Router
let wrapper: VueWrapper

/** The login page at `path`, past a right password for an account with a second factor. */
async function atSecondStep(path = '/login') {
  api = fakeAuthApi()
  api.login.mockResolvedValue(challenge)
  router = createAppRouter(createMemoryHistory(), stubbedRoutes())
  await router.push(path)
  wrapper = mount(LoginView, { global: { plugins: [router, [createAppStore(api), storeKey]] }, attachTo: document.body })
  await flushPromises()
  await wrapper.get('#login-username').setValue('alice')
  await wrapper.get('#login-password').setValue('correct horse')
  await wrapper.get('form').trigger('submit')
  await flushPromises()
}
afterEach(() => wrapper.unmount())

const codeField = () => wrapper.get('[data-testid="second-factor-code"]')
async function send(code: string) {
  await codeField().setValue(code)
  await wrapper.get('[data-testid="second-factor-step"]').trigger('submit')
  await flushPromises()
}

describe('LoginView: the second step', () => {
  it('replaces the password form in place, with focus in a one-time-code field', async () => {
    await atSecondStep()
    expect(wrapper.find('#login-password').exists()).toBe(false)
    expect(wrapper.get('h1').text()).toBe('Second step')
    expect(codeField().attributes('autocomplete')).toBe('one-time-code')
    expect(codeField().attributes('inputmode')).toBe('numeric')
    expect(document.activeElement).toBe(codeField().element)
    expect(router.currentRoute.value.name).toBe('login')
  })

  it('sends the challenge and the code, then goes where the person was going', async () => {
    await atSecondStep('/login?redirect=%2Fnotes%3Ftab%3Dmine')
    await send('123 456')
    expect(api.loginSecondFactor).toHaveBeenCalledWith({ challenge: 'challenge-1', totp: '123456' })
    expect(router.currentRoute.value.fullPath).toBe('/notes?tab=mine')
  })

  it('checks the shape before sending', async () => {
    await atSecondStep()
    await send('12345')
    expect(api.loginSecondFactor).not.toHaveBeenCalled()
    expect(wrapper.get('#login-code-error').text()).toBe('Enter the six digits the app shows.')
  })

  it('a wrong code stays on this step, says so, empties the field and keeps focus there', async () => {
    await atSecondStep()
    api.loginSecondFactor.mockRejectedValueOnce(apiError(401, 'invalid_second_factor'))
    await send('000000')
    expect(wrapper.get('#login-code-error').text()).toBe('That code is not correct, or was already used.')
    expect(codeField().attributes('aria-invalid')).toBe('true')
    expect((codeField().element as HTMLInputElement).value).toBe('')
    expect(document.activeElement).toBe(codeField().element)
    expect(router.currentRoute.value.name).toBe('login')
  })

  it('an expired or used challenge goes back to the password, with why', async () => {
    await atSecondStep()
    api.loginSecondFactor.mockRejectedValueOnce(apiError(401, 'invalid_challenge'))
    await send('123456')
    expect(wrapper.find('[data-testid="second-factor-step"]').exists()).toBe(false)
    expect(wrapper.get('#login-error').text()).toBe('That sign-in expired. Enter your password again.')
    expect(document.activeElement).toBe(wrapper.get('#login-password').element)
  })

  it('throttled: counts down from Retry-After with the button disabled', async () => {
    vi.useFakeTimers()
    try {
      await atSecondStep()
      api.loginSecondFactor.mockRejectedValueOnce(apiError(429, 'rate_limited', { headers: new AxiosHeaders() }, { 'retry-after': '3' }))
      await send('123456')
      expect(wrapper.get('#login-code-error').text()).toBe('Too many attempts. That code was not checked. Try again in 3 s.')
      expect(wrapper.get('[data-testid="second-factor-step"] button[type="submit"]').attributes('disabled')).toBeDefined()
      await vi.advanceTimersByTimeAsync(3000)
      expect(wrapper.get('#login-code-error').text()).toBe('That code was not checked. You can try again now.')
      expect(wrapper.get('[data-testid="second-factor-step"] button[type="submit"]').attributes('disabled')).toBeUndefined()
    } finally {
      vi.useRealTimers()
    }
  })

  it('"use a recovery code" switches the field, and sends it as a recovery code', async () => {
    await atSecondStep()
    await wrapper.get('[data-testid="second-factor-switch"]').trigger('click')
    await flushPromises()
    expect(wrapper.get('label[for="login-code"]').text()).toBe('Recovery code')
    expect(codeField().attributes('autocomplete')).toBe('off')
    expect(document.activeElement).toBe(codeField().element)
    api.loginSecondFactor.mockResolvedValueOnce(session('t2'))
    await send('abcd-efgh-2345')
    expect(api.loginSecondFactor).toHaveBeenCalledWith({ challenge: 'challenge-1', recoveryCode: 'abcd-efgh-2345' })
    expect(router.currentRoute.value.name).toBe('overview')
  })

  it('"back to the password" returns to the first step', async () => {
    await atSecondStep()
    await wrapper.get('[data-testid="second-factor-back"]').trigger('click')
    await flushPromises()
    expect(wrapper.find('#login-password').exists()).toBe(true)
    expect(document.activeElement).toBe(wrapper.get('#login-password').element)
  })
})
